#pragma once
#include <nlohmann/json.hpp>
#include <string_view>

#include "meeting/outbox.hpp"
#include "meeting/participant.hpp"
#include "meeting/room_directory.hpp"

namespace confab::meeting {

enum class Signal { offer, answer, ice_candidate };

// Forwards WebRTC negotiation messages between two members of the same room, stamping the
// sender's id. The hot path: the payload is forwarded as is, minus `other_user_id`.
class SignalingRelay {
 public:
  SignalingRelay(RoomDirectory& rooms, Outbox& outbox) : rooms_(rooms), outbox_(outbox) {}

  // Throw RequestError (not_in_room, bad_request, unknown_peer) without delivering anything.
  void relay(const ParticipantId& from, Signal signal, const nlohmann::json& payload);
  // Takes the payload over, so the SDP is never copied.
  void relay(const ParticipantId& from, Signal signal, nlohmann::json&& payload);

 private:
  const Participant& target_of(const ParticipantId& from, Signal signal,
                               const nlohmann::json& payload);
  void deliver(const ParticipantId& from, const Participant& target, Signal signal,
               nlohmann::json&& message);

  RoomDirectory& rooms_;
  Outbox& outbox_;
};

std::string_view event_name(Signal signal);

}  // namespace confab::meeting
