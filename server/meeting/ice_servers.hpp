#pragma once
#include <nlohmann/json.hpp>
#include <string_view>

#include "meeting/clock.hpp"
#include "meeting/turn_credentials.hpp"

namespace confab::meeting {

// The RTCIceServer list a client gets: the static STUN entries, then TURN with credentials
// minted for that client.
class IceServers {
 public:
  IceServers(nlohmann::json stun, TurnConfig turn, Clock& clock)
      : stun_(std::move(stun)), turn_(std::move(turn)), clock_(clock) {}

  nlohmann::json for_user(std::string_view user) const {
    nlohmann::json servers = stun_;
    if (turn_.enabled()) servers.push_back(turn_.ice_server(user, clock_.now_ms() / 1000));
    return servers;
  }

 private:
  nlohmann::json stun_;
  TurnCredentials turn_;
  Clock& clock_;
};

}  // namespace confab::meeting
