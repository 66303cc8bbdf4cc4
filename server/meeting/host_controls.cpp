#include "meeting/host_controls.hpp"

#include "meeting/error_code.hpp"
#include "meeting/payload_reader.hpp"
#include "meeting/room_broadcast.hpp"
#include "meeting/validation.hpp"

namespace confab::meeting {

namespace {

nlohmann::json ok() {
  return nlohmann::json{{"ok", true}};
}

bool required_bool(const PayloadReader& reader, std::string_view field) {
  const auto value = reader.optional_bool(field);
  if (!value) throw_bad_field(field, "is required");
  return *value;
}

// socket.emit('end_meeting', ack) sends no argument at all, which reaches us as null.
void check_empty_payload(const nlohmann::json& payload) {
  if (!payload.is_null() && !payload.is_object()) {
    throw RequestError(ErrorCode::bad_request, "payload must be a JSON object");
  }
}

// The target of kick and mute_request: another member of the host's room.
const ParticipantId& other_member(const Room& room, const ParticipantId& from,
                                  const PayloadReader& reader) {
  const std::string& target = reader.required_string("user_id");
  if (target == from || room.find(target) == nullptr) {
    throw RequestError(ErrorCode::unknown_peer, "user_id is not another member of your room");
  }
  return target;
}

}  // namespace

HostControls::HostControls(RoomDirectory& rooms, Outbox& outbox, Membership& membership,
                           Admission& admission, store::Store& store, common::Clock& clock)
    : rooms_(rooms),
      outbox_(outbox),
      membership_(membership),
      admission_(admission),
      store_(store),
      clock_(clock) {}

nlohmann::json HostControls::handle(const ParticipantId& from, Event event,
                                    const nlohmann::json& payload) {
  Room& room = host_room(from);
  switch (event) {
    case Event::set_password:
      return set_password(room, from, payload);
    case Event::lock_room:
      return lock_room(room, payload);
    case Event::set_waiting_room:
      return set_waiting_room(room, payload);
    case Event::kick:
      return kick(room, from, payload);
    case Event::mute_request:
      return mute_request(room, from, payload);
    case Event::end_meeting:
      return end_meeting(room, from, payload);
    case Event::admit:
      return admit(room, payload);
    case Event::deny:
      return deny(room, payload);
    default:
      break;
  }
  throw RequestError(ErrorCode::unknown_event, "unknown event");
}

Room& HostControls::host_room(const ParticipantId& from) {
  Room& room = rooms_.joined_room(from);
  if (room.find(from)->role != Role::host) {
    throw RequestError(ErrorCode::forbidden, "only a host can do that");
  }
  return room;
}

nlohmann::json HostControls::set_password(Room& room, const ParticipantId& from,
                                          const nlohmann::json& payload) {
  const PayloadReader reader(payload);
  if (!payload.contains("password")) throw_bad_field("password", "is required (null removes it)");
  const std::string* password = reader.optional_string("password");
  std::optional<std::string> hash;
  if (password != nullptr) {
    validate_new_password(*password);
    hash = admission_.hash_password(room.find(from)->address, room.id(), *password);
  }
  persist(room, room.settings().waiting_room, hash);
  room.set_password_hash(std::move(hash));
  announce_state(room);
  return ok();
}

nlohmann::json HostControls::lock_room(Room& room, const nlohmann::json& payload) {
  const bool locked = required_bool(PayloadReader(payload), "locked");
  if (room.settings().locked != locked) {
    room.settings().locked = locked;
    announce_state(room);
  }
  return ok();
}

nlohmann::json HostControls::set_waiting_room(Room& room, const nlohmann::json& payload) {
  const bool enabled = required_bool(PayloadReader(payload), "enabled");
  if (room.settings().waiting_room == enabled) return ok();
  persist(room, enabled, room.password_hash());
  room.settings().waiting_room = enabled;
  announce_state(room);
  if (!enabled) {
    // Nobody needs to knock any more: let in whoever is waiting, while there is space.
    while (!room.waiting().empty()) {
      const ParticipantId next = room.waiting().front().id;
      try {
        membership_.admit(room, next);
      } catch (const RequestError&) {
        // Not the waiter's fault: it may knock again once there is space.
        membership_.turn_away(room, next, "room_full");
      }
    }
  }
  return ok();
}

nlohmann::json HostControls::kick(Room& room, const ParticipantId& from,
                                  const nlohmann::json& payload) {
  const PayloadReader reader(payload);
  const ParticipantId target = other_member(room, from, reader);
  if (const auto& subject = room.find(target)->token_subject; !subject.empty()) {
    room.removed_subjects().insert(subject);
  }
  outbox_.send(target, "kicked", nlohmann::json{{"by", from}});
  membership_.remove(room, target);
  outbox_.disconnect(target);
  return ok();
}

nlohmann::json HostControls::mute_request(Room& room, const ParticipantId& from,
                                          const nlohmann::json& payload) {
  const PayloadReader reader(payload);
  outbox_.send(other_member(room, from, reader), "mute_request", nlohmann::json{{"by", from}});
  return ok();
}

nlohmann::json HostControls::end_meeting(Room& room, const ParticipantId& from,
                                         const nlohmann::json& payload) {
  check_empty_payload(payload);
  membership_.end(room, from);
  return ok();
}

nlohmann::json HostControls::admit(Room& room, const nlohmann::json& payload) {
  membership_.admit(room, PayloadReader(payload).required_string("user_id"));
  return ok();
}

nlohmann::json HostControls::deny(Room& room, const nlohmann::json& payload) {
  membership_.deny(room, PayloadReader(payload).required_string("user_id"));
  return ok();
}

void HostControls::persist(const Room& room, bool waiting_room,
                           const std::optional<std::string>& hash) {
  store_.put_room(store::RoomRecord{.id = room.id(),
                                    .created_at = clock_.now_ms(),
                                    .settings = {{"waiting_room", waiting_room}},
                                    .password_hash = hash});
}

void HostControls::announce_state(const Room& room) {
  json::JsonWriter out;
  write_room_state(out, room);
  send_text_to_everyone(outbox_, room, "room_state", out.text());
}

}  // namespace confab::meeting
