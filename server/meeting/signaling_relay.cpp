#include "meeting/signaling_relay.hpp"

#include "meeting/error_code.hpp"
#include "meeting/payload_reader.hpp"

namespace confab::meeting {

namespace {

// offer {type, sdp} and answer {type, sdp} are required objects; an ICE candidate may be null
// (the end-of-candidates marker).
void check_body(const PayloadReader& reader, Signal signal) {
  if (signal == Signal::ice_candidate) {
    reader.required_object("candidate", /*null_allowed=*/true);
    return;
  }
  const PayloadReader description(reader.required_object(event_name(signal)));
  description.required_string("type");
  description.required_string("sdp");
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

const Participant& SignalingRelay::target_of(const ParticipantId& from, Signal signal,
                                             const nlohmann::json& payload) {
  Room& room = rooms_.joined_room(from);
  const PayloadReader reader(payload);
  const std::string& target_id = reader.required_string("other_user_id");
  check_body(reader, signal);
  const Participant* target = target_id == from ? nullptr : room.find(target_id);
  if (target == nullptr) {
    throw RequestError(ErrorCode::unknown_peer, "other_user_id is not another member of your room");
  }
  return *target;
}

void SignalingRelay::relay(const ParticipantId& from, Signal signal,
                           const nlohmann::json& payload) {
  const Participant& target = target_of(from, signal, payload);
  deliver(from, target, signal, nlohmann::json(payload));
}

void SignalingRelay::relay(const ParticipantId& from, Signal signal, nlohmann::json&& payload) {
  const Participant& target = target_of(from, signal, payload);
  deliver(from, target, signal, std::move(payload));
}

void SignalingRelay::deliver(const ParticipantId& from, const Participant& target, Signal signal,
                             nlohmann::json&& message) {
  message.erase("other_user_id");
  message["user_id"] = from;  // overwrites any id the client forged
  outbox_.send(target.id, event_name(signal), message);
}

}  // namespace confab::meeting
