#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "json/json_text.hpp"
#include "meeting/outbox.hpp"
#include "meeting/participant.hpp"
#include "meeting/room_directory.hpp"

namespace confab::meeting {

enum class Signal { offer, answer, ice_candidate };

// Forwards WebRTC negotiation messages between two members of the same room, stamping the
// sender's id. The hot path: the payload stays JSON text and goes out byte for byte, minus
// `other_user_id` and any `user_id`; nothing is parsed into a DOM or serialised again.
class SignalingRelay {
 public:
  SignalingRelay(RoomDirectory& rooms, Outbox& outbox);

  // `payload` must be valid JSON text (the socket layer validated it). Throws RequestError
  // (not_in_room, bad_request, unknown_peer) without delivering anything.
  void relay(const ParticipantId& from, Signal signal, std::string_view payload);

 private:
  const json::JsonField* field(std::string_view key) const;
  const Participant& target_of(const ParticipantId& from, Signal signal, std::string_view payload);
  void check_body(Signal signal);

  RoomDirectory& rooms_;
  Outbox& outbox_;
  // Kept between messages so that their buffers are reused.
  json::JsonText json_;
  std::vector<json::JsonField> fields_;
  std::vector<json::JsonField> body_fields_;
  std::string forwarded_;
};

std::string_view event_name(Signal signal);

}  // namespace confab::meeting
