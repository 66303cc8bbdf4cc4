#include "meeting/membership.hpp"

#include "meeting/error_code.hpp"
#include "meeting/join_request.hpp"
#include "meeting/room_broadcast.hpp"

namespace confab::meeting {

namespace {

nlohmann::json knock_resolved(const ParticipantId& id, std::string_view outcome) {
  return nlohmann::json{{"user_id", id}, {"outcome", outcome}};
}

}  // namespace

Membership::Membership(RoomDirectory& rooms, Outbox& outbox, ChatService& chat,
                       Admission& admission, const IceServers& ice_servers,
                       const MeetingConfig& config)
    : rooms_(rooms),
      outbox_(outbox),
      chat_(chat),
      admission_(admission),
      ice_servers_(ice_servers),
      config_(config) {}

nlohmann::json Membership::join(const ParticipantId& id, const nlohmann::json& payload) {
  const JoinRequest request = JoinRequest::parse(payload);

  // A repeated join (e.g. a client retrying after a lost ack) just gets the state again.
  if (Room* current = rooms_.room_of(id); current != nullptr && current->id() == request.room) {
    return join_ack(*current, *current->find(id), chat_.history(request.room));
  }
  if (Room* knocked = rooms_.waiting_room_of(id);
      knocked != nullptr && knocked->id() == request.room) {
    return waiting_ack(*knocked, *knocked->find_waiting(id));
  }

  // Everything that can fail happens before the first state change.
  Room* target = rooms_.find(request.room);
  AdmissionDecision decision = admission_.decide(id, request, target);
  auto history = decision.waiting ? nlohmann::json() : chat_.history(request.room);

  depart(id);  // leaves another room; `target` is a different room, so it stays valid
  Participant self{.id = id,
                   .name = std::move(decision.name),
                   .role = decision.role,
                   .media = request.media,
                   .token_subject = std::move(decision.token_subject)};
  if (decision.waiting) {
    rooms_.add_waiting(*target, std::move(self));
    const Participant& waiter = target->waiting().back();
    tell_hosts(*target, "knock", waiter_entry(waiter));
    return waiting_ack(*target, waiter);
  }
  Room& room = target != nullptr ? *target : rooms_.open(request.room);
  if (target == nullptr && decision.record) {
    room.settings().waiting_room = decision.record->settings.value("waiting_room", false);
    room.set_password_hash(decision.record->password_hash);
  }
  rooms_.add(room, std::move(self));
  const Participant& joined = room.members().back();
  send_to_others(outbox_, room, id, "new_user", new_user_payload(joined));
  return join_ack(room, joined, std::move(history));
}

nlohmann::json Membership::leave(const ParticipantId& id, const nlohmann::json& payload) {
  // socket.emit('leave_room', ack) sends no argument at all, which reaches us as null.
  if (!payload.is_null() && !payload.is_object()) {
    throw RequestError(ErrorCode::bad_request, "payload must be a JSON object");
  }
  if (rooms_.waiting_room_of(id) == nullptr) rooms_.joined_room(id);  // throws not_in_room
  depart(id);
  return nlohmann::json{{"ok", true}};
}

void Membership::disconnect(const ParticipantId& id) {
  depart(id);
  admission_.forget(id);
}

void Membership::admit(Room& room, const ParticipantId& id) {
  if (room.find_waiting(id) == nullptr) {
    throw RequestError(ErrorCode::unknown_peer, "user_id is not waiting to join your room");
  }
  if (room.size() >= config_.room_capacity) {
    throw RequestError(ErrorCode::room_full, "room is full");
  }
  auto history = chat_.history(room.id());
  rooms_.add(room, *rooms_.remove_waiting(room, id));
  const Participant& joined = room.members().back();
  send_to_others(outbox_, room, id, "new_user", new_user_payload(joined));
  tell_hosts(room, "knock_resolved", knock_resolved(id, "admitted"));
  outbox_.send(id, "admitted", join_ack(room, joined, std::move(history)));
}

void Membership::deny(Room& room, const ParticipantId& id, std::string_view reason) {
  if (!rooms_.remove_waiting(room, id)) {
    throw RequestError(ErrorCode::unknown_peer, "user_id is not waiting to join your room");
  }
  room.denied().insert(id);
  outbox_.send(id, "denied", nlohmann::json{{"reason", reason}});
  tell_hosts(room, "knock_resolved", knock_resolved(id, "denied"));
}

void Membership::remove(Room& room, const ParticipantId& id) {
  rooms_.remove(room, id);
  send_to_everyone(outbox_, room, "user_left", nlohmann::json{{"user_id", id}});
  ensure_host(room);
}

void Membership::end(Room& room, const ParticipantId& by) {
  send_to_everyone(outbox_, room, "meeting_ended", nlohmann::json{{"by", by}});
  for (const auto& waiter : room.waiting()) {
    outbox_.send(waiter.id, "denied", nlohmann::json{{"reason", "meeting_ended"}});
  }
  rooms_.drop(room);
}

void Membership::tell_hosts(const Room& room, std::string_view event, const nlohmann::json& data) {
  for (const auto& member : room.members()) {
    if (member.role == Role::host) outbox_.send(member.id, event, data);
  }
}

void Membership::depart(const ParticipantId& id) {
  if (Room* knocked = rooms_.waiting_room_of(id); knocked != nullptr) {
    rooms_.remove_waiting(*knocked, id);
    tell_hosts(*knocked, "knock_resolved", knock_resolved(id, "left"));
    return;
  }
  Room* room = rooms_.room_of(id);
  if (room == nullptr) return;
  rooms_.remove(*room, id);
  if (room->empty()) {
    close_empty(*room);
    return;
  }
  send_to_everyone(outbox_, *room, "user_left", nlohmann::json{{"user_id", id}});
  ensure_host(*room);
}

// Nobody is left to admit the waiters: turn them away and forget the room (and its lock).
void Membership::close_empty(Room& room) {
  for (const auto& waiter : room.waiting()) {
    outbox_.send(waiter.id, "denied", nlohmann::json{{"reason", "room_empty"}});
  }
  rooms_.drop(room);
}

// A room with members always has a host: the longest-present member takes over.
void Membership::ensure_host(Room& room) {
  if (room.empty() || room.has_host()) return;
  const std::string new_host = room.members().front().id;
  room.find(new_host)->role = Role::host;
  send_to_everyone(outbox_, room, "role_changed",
                   nlohmann::json{{"user_id", new_host}, {"role", to_string(Role::host)}});
  for (const auto& waiter : room.waiting()) outbox_.send(new_host, "knock", waiter_entry(waiter));
}

nlohmann::json Membership::join_ack(const Room& room, const Participant& self,
                                    nlohmann::json chat) const {
  auto others = nlohmann::json::array();
  for (const auto& member : room.members()) {
    if (member.id != self.id) others.push_back(participant_entry(member));
  }
  nlohmann::json ack{{"ok", true},
                     {"self_id", self.id},
                     {"room", room.id()},
                     {"name", self.name},
                     {"role", to_string(self.role)},
                     {"participants", std::move(others)},
                     {"chat", std::move(chat)},
                     {"ice_servers", ice_servers_.for_user(self.id)},
                     {"room_state", room_state_payload(room)}};
  if (self.role == Role::host) {
    auto waiting = nlohmann::json::array();
    for (const auto& waiter : room.waiting()) waiting.push_back(waiter_entry(waiter));
    ack["waiting"] = std::move(waiting);
  }
  return ack;
}

nlohmann::json Membership::waiting_ack(const Room& room, const Participant& self) const {
  return nlohmann::json{{"ok", true},
                        {"waiting", true},
                        {"self_id", self.id},
                        {"room", room.id()},
                        {"name", self.name}};
}

}  // namespace confab::meeting
