#include "meeting/membership.hpp"

#include "meeting/error_code.hpp"
#include "meeting/join_request.hpp"
#include "meeting/room_broadcast.hpp"

namespace confab::meeting {

namespace {

constexpr std::size_t kJoinAckCapacity = 1024;  // a few participants and ICE servers

std::string knock_resolved(const ParticipantId& id, std::string_view outcome) {
  json::JsonWriter out;
  return out.begin_object().field("user_id", id).field("outcome", outcome).end_object().take();
}

}  // namespace

Membership::Membership(RoomDirectory& rooms, Outbox& outbox, ChatService& chat,
                       Admission& admission, const ClientAddresses& addresses,
                       const IceServers& ice_servers, SfuSignaling& sfu,
                       const MeetingConfig& config)
    : rooms_(rooms),
      outbox_(outbox),
      chat_(chat),
      admission_(admission),
      addresses_(addresses),
      ice_servers_(ice_servers),
      sfu_(sfu),
      config_(config) {}

std::string Membership::join(const ParticipantId& id, const nlohmann::json& payload) {
  const JoinRequest request = JoinRequest::parse(payload);

  // A repeated join (e.g. a client retrying after a lost ack) just gets the state again.
  if (Room* current = rooms_.room_of(id); current != nullptr && current->id() == request.room) {
    return join_ack(*current, *current->find(id));
  }
  if (Room* knocked = rooms_.waiting_room_of(id);
      knocked != nullptr && knocked->id() == request.room) {
    return waiting_ack(*knocked, *knocked->find_waiting(id));
  }

  // Everything that can fail happens before the first state change.
  Room* target = rooms_.find(request.room);
  std::string address = addresses_.key_of(id);
  AdmissionDecision decision = admission_.decide(address, request, target);
  // A live room keeps its recent chat; a room that opens starts from the store's.
  std::vector<store::ChatMessage> history;
  if (target == nullptr) history = chat_.history(request.room);

  depart(id);  // leaves another room; `target` is a different room, so it stays valid
  Participant self{.id = id,
                   .name = std::move(decision.name),
                   .role = decision.role,
                   .media = request.media,
                   .token_subject = std::move(decision.token_subject),
                   .address = std::move(address)};
  if (decision.waiting) {
    rooms_.add_waiting(*target, std::move(self));
    const Participant& waiter = target->waiting().back();
    tell_hosts(*target, "knock", participant_text(waiter, ParticipantShape::waiter));
    return waiting_ack(*target, waiter);
  }
  Room& room = target != nullptr ? *target : rooms_.open(request.room);
  if (target == nullptr) {
    room.set_recent_chat(std::move(history));
    if (decision.record) {
      room.settings().waiting_room = decision.record->settings.value("waiting_room", false);
      room.set_password_hash(decision.record->password_hash);
    }
  }
  rooms_.add(room, std::move(self));
  sfu_.member_joined(room, id);
  const Participant& joined = room.members().back();
  send_text_to_others(outbox_, room, id, "new_user",
                      participant_text(joined, ParticipantShape::new_user));
  return join_ack(room, joined);
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
}

void Membership::admit(Room& room, const ParticipantId& id) {
  if (room.find_waiting(id) == nullptr) {
    throw RequestError(ErrorCode::unknown_peer, "user_id is not waiting to join your room");
  }
  if (room.size() >= config_.room_capacity) {
    throw RequestError(ErrorCode::room_full, "room is full");
  }
  rooms_.add(room, *rooms_.remove_waiting(room, id));
  sfu_.member_joined(room, id);
  const Participant& joined = room.members().back();
  send_text_to_others(outbox_, room, id, "new_user",
                      participant_text(joined, ParticipantShape::new_user));
  tell_hosts(room, "knock_resolved", knock_resolved(id, "admitted"));
  outbox_.send_text(id, "admitted", join_ack(room, joined));
}

void Membership::deny(Room& room, const ParticipantId& id) {
  if (const Participant* waiter = room.find_waiting(id); waiter != nullptr) {
    Admission::remember_denied(room, *waiter);
  }
  turn_away(room, id, "denied");
}

void Membership::turn_away(Room& room, const ParticipantId& id, std::string_view reason) {
  if (!rooms_.remove_waiting(room, id)) {
    throw RequestError(ErrorCode::unknown_peer, "user_id is not waiting to join your room");
  }
  outbox_.send(id, "denied", nlohmann::json{{"reason", reason}});
  tell_hosts(room, "knock_resolved", knock_resolved(id, "denied"));
}

void Membership::remove(Room& room, const ParticipantId& id) {
  rooms_.remove(room, id);
  sfu_.member_left(room, id);
  send_to_everyone(outbox_, room, "user_left", nlohmann::json{{"user_id", id}});
  ensure_host(room);
}

void Membership::end(Room& room, const ParticipantId& by) {
  send_to_everyone(outbox_, room, "meeting_ended", nlohmann::json{{"by", by}});
  for (const auto& waiter : room.waiting()) {
    outbox_.send(waiter.id, "denied", nlohmann::json{{"reason", "meeting_ended"}});
  }
  sfu_.room_closed(room);
  rooms_.drop(room);
}

void Membership::tell_hosts(const Room& room, std::string_view event, std::string_view text) {
  for (const auto& member : room.members()) {
    if (member.role == Role::host) outbox_.send_text(member.id, event, text);
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
  sfu_.member_left(*room, id);
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
  sfu_.room_closed(room);
  rooms_.drop(room);
}

// A room with members always has a host: the longest-present member takes over.
void Membership::ensure_host(Room& room) {
  if (room.empty() || room.has_host()) return;
  const std::string new_host = room.members().front().id;
  room.find(new_host)->role = Role::host;
  send_to_everyone(outbox_, room, "role_changed",
                   nlohmann::json{{"user_id", new_host}, {"role", to_string(Role::host)}});
  for (const auto& waiter : room.waiting()) {
    outbox_.send_text(new_host, "knock", participant_text(waiter, ParticipantShape::waiter));
  }
}

std::string Membership::join_ack(const Room& room, const Participant& self) const {
  json::JsonWriter out(kJoinAckCapacity);
  out.begin_object()
      .field("ok", true)
      .field("self_id", self.id)
      .field("room", room.id())
      .field("name", self.name)
      .field("role", to_string(self.role));
  out.key("participants").begin_array();
  for (const auto& member : room.members()) {
    if (member.id != self.id) write_participant(out, member, ParticipantShape::ack_entry);
  }
  out.end_array();
  sfu_.write_join_fields(out, room, self.id);
  out.key("chat").begin_array();
  for (const auto& message : room.recent_chat()) write_chat_message(out, message);
  out.end_array().key("ice_servers").raw(ice_servers_.text_for(self.id));
  write_room_state(out.key("room_state"), room);
  if (self.role == Role::host) {
    out.key("waiting").begin_array();
    for (const auto& waiter : room.waiting()) {
      write_participant(out, waiter, ParticipantShape::waiter);
    }
    out.end_array();
  }
  return out.end_object().take();
}

std::string Membership::waiting_ack(const Room& room, const Participant& self) const {
  json::JsonWriter out;
  return out.begin_object()
      .field("ok", true)
      .field("waiting", true)
      .field("self_id", self.id)
      .field("room", room.id())
      .field("name", self.name)
      .end_object()
      .take();
}

}  // namespace confab::meeting
