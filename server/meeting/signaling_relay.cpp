#include "meeting/signaling_relay.hpp"

#include <algorithm>

#include "meeting/error_code.hpp"
#include "meeting/payload_reader.hpp"

namespace confab::meeting {

namespace {

using json::JsonField;
using json::JsonType;

constexpr std::size_t kMaxDepth = 32;  // as the Socket.IO codec

// The last field with the key, as a JSON parser that keeps one value per key would see it.
const JsonField* find_field(const std::vector<JsonField>& fields, std::string_view key) {
  auto it = std::find_if(fields.rbegin(), fields.rend(),
                         [&](const JsonField& f) { return f.key == key; });
  return it == fields.rend() ? nullptr : &*it;
}

const JsonField& required(const std::vector<JsonField>& fields, std::string_view key) {
  const JsonField* found = find_field(fields, key);
  if (found == nullptr) throw_bad_field(key, "is required");
  return *found;
}

void require_string(const std::vector<JsonField>& fields, std::string_view key) {
  if (json::type_of(required(fields, key).value) != JsonType::string) {
    throw_bad_field(key, "must be a string");
  }
}

// Socket ids are base64url: nothing to escape.
bool is_plain_id(std::string_view id) {
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

}  // namespace

std::string_view event_name(Signal signal) {
  switch (signal) {
    case Signal::offer:
      return "offer";
    case Signal::answer:
      return "answer";
    case Signal::ice_candidate:
      return "ice_candidate";
  }
  return "ice_candidate";
}

SignalingRelay::SignalingRelay(RoomDirectory& rooms, Outbox& outbox)
    : rooms_(rooms), outbox_(outbox), json_(kMaxDepth) {}

// offer {type, sdp} and answer {type, sdp} are required objects; an ICE candidate may be null
// (the end-of-candidates marker).
void SignalingRelay::check_body(Signal signal) {
  const JsonField& body =
      required(fields_, signal == Signal::ice_candidate ? "candidate" : event_name(signal));
  const JsonType type = json::type_of(body.value);
  if (signal == Signal::ice_candidate) {
    if (type != JsonType::object && type != JsonType::null) {
      throw_bad_field(body.key, "must be an object or null");
    }
    return;
  }
  if (type != JsonType::object) throw_bad_field(body.key, "must be an object");
  json_.fields(body.value, body_fields_);
  require_string(body_fields_, "type");
  require_string(body_fields_, "sdp");
}

const Participant& SignalingRelay::target_of(const ParticipantId& from, Signal signal,
                                             std::string_view payload) {
  Room& room = rooms_.joined_room(from);
  if (room.mode() != RoomMode::mesh) {
    throw RequestError(ErrorCode::wrong_mode, "this room's media goes through the SFU (sfu_*)");
  }
  if (!json_.fields(payload, fields_)) {
    throw RequestError(ErrorCode::bad_request, "payload must be a JSON object");
  }
  require_string(fields_, "other_user_id");
  const auto target_id = json_.string(find_field(fields_, "other_user_id")->value);
  check_body(signal);
  const Participant* target = !target_id || *target_id == from ? nullptr : room.find(*target_id);
  if (target == nullptr) {
    throw RequestError(ErrorCode::unknown_peer, "other_user_id is not another member of your room");
  }
  return *target;
}

void SignalingRelay::relay(const ParticipantId& from, Signal signal, std::string_view payload) {
  const Participant& target = target_of(from, signal, payload);
  forwarded_.assign(R"({"user_id":)");
  if (is_plain_id(from)) {
    forwarded_ += '"';
    forwarded_ += from;
    forwarded_ += '"';
  } else {
    forwarded_ += nlohmann::json(from).dump();
  }
  for (const JsonField& field : fields_) {
    if (field.key == "other_user_id" || field.key == "user_id") continue;  // a forged id goes
    forwarded_ += ',';
    forwarded_ += field.text;
  }
  forwarded_ += '}';
  outbox_.send_text(target.id, event_name(signal), forwarded_);
}

}  // namespace confab::meeting
