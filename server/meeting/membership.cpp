#include "meeting/membership.hpp"

#include "meeting/error_code.hpp"
#include "meeting/join_request.hpp"
#include "meeting/room_broadcast.hpp"

namespace confab::meeting {

Membership::Membership(RoomDirectory& rooms, Outbox& outbox, ChatService& chat,
                       NameGenerator& names, const MeetingConfig& config)
    : rooms_(rooms), outbox_(outbox), chat_(chat), names_(names), config_(config) {}

nlohmann::json Membership::join(const ParticipantId& id, const nlohmann::json& payload) {
  JoinRequest request = JoinRequest::parse(payload);

  // A repeated join (e.g. a client retrying after a lost ack) just gets the state again.
  if (Room* current = rooms_.room_of(id); current != nullptr && current->id() == request.room) {
    return join_ack(*current, *current->find(id), chat_.history(request.room));
  }

  const Room* target = rooms_.find(request.room);
  if ((target != nullptr ? target->size() : 0) >= config_.room_capacity) {
    throw RequestError(ErrorCode::room_full, "room is full");
  }
  // Everything that can fail happens before the first state change.
  auto history = chat_.history(request.room);

  depart(id);
  Participant self{.id = id,
                   .name = request.name ? std::move(*request.name) : names_.guest_name(),
                   .role = target == nullptr ? Role::host : Role::guest,
                   .media = request.media};
  Room& room = rooms_.add(request.room, std::move(self));
  const Participant& joined = room.members().back();
  send_to_others(outbox_, room, id, "new_user", new_user_payload(joined));
  return join_ack(room, joined, std::move(history));
}

nlohmann::json Membership::leave(const ParticipantId& id, const nlohmann::json& payload) {
  // socket.emit('leave_room', ack) sends no argument at all, which reaches us as null.
  if (!payload.is_null() && !payload.is_object()) {
    throw RequestError(ErrorCode::bad_request, "payload must be a JSON object");
  }
  rooms_.joined_room(id);  // throws not_in_room
  depart(id);
  return nlohmann::json{{"ok", true}};
}

void Membership::disconnect(const ParticipantId& id) {
  depart(id);
}

void Membership::depart(const ParticipantId& id) {
  if (const Room* remaining = rooms_.remove(id); remaining != nullptr) {
    send_to_everyone(outbox_, *remaining, "user_left", nlohmann::json{{"user_id", id}});
  }
}

nlohmann::json Membership::join_ack(const Room& room, const Participant& self,
                                    nlohmann::json chat) const {
  auto others = nlohmann::json::array();
  for (const auto& member : room.members()) {
    if (member.id != self.id) others.push_back(participant_entry(member));
  }
  return nlohmann::json{{"ok", true},
                        {"self_id", self.id},
                        {"room", room.id()},
                        {"name", self.name},
                        {"role", to_string(self.role)},
                        {"participants", std::move(others)},
                        {"chat", std::move(chat)},
                        {"ice_servers", config_.ice_servers}};
}

}  // namespace confab::meeting
