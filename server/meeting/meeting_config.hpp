#pragma once
#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <string_view>

namespace confab::meeting {

struct MeetingConfig {
  std::size_t room_capacity = 16;
  std::size_t chat_history_length = 50;  // messages in the join ack
  std::size_t max_chat_length = 2000;    // code points, after trimming
  // RTCIceServer objects, passed through unchanged into the join ack.
  nlohmann::json ice_servers = nlohmann::json::array();
  // Called when a handler fails for a reason that is not the client's fault (e.g. the store
  // throws); the client only gets a generic internal_error. Optional; the app logs here.
  std::function<void(std::string_view event, std::string_view what)> on_internal_error;
};

}  // namespace confab::meeting
