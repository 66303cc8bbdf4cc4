#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "meeting/turn_credentials.hpp"
#include "meeting/wire_json.hpp"

namespace confab::meeting {

// The RTCIceServer list a client gets: the static STUN entries, then TURN with credentials
// minted for that client.
class IceServers {
 public:
  IceServers(nlohmann::json stun, TurnConfig turn, common::Clock& clock)
      : stun_(std::move(stun)),
        stun_text_(to_json_text(stun_)),
        turn_(std::move(turn)),
        clock_(clock) {}

  nlohmann::json for_user(std::string_view user) const {
    nlohmann::json servers = stun_;
    if (turn_.enabled()) servers.push_back(turn_.ice_server(user, clock_.now_ms() / 1000));
    return servers;
  }

  // The same as JSON text; without TURN it is the same for everyone, so it is written once.
  std::string text_for(std::string_view user) const {
    return turn_.enabled() ? to_json_text(for_user(user)) : stun_text_;
  }

 private:
  nlohmann::json stun_;
  std::string stun_text_;
  TurnCredentials turn_;
  common::Clock& clock_;
};

}  // namespace confab::meeting
