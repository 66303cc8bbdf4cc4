#pragma once
// The two shapes of every ack: {ok:true,...} and {ok:false,error:{code,message}}.
#include <nlohmann/json.hpp>
#include <string_view>

#include "meeting/error_code.hpp"

namespace confab::meeting {

inline nlohmann::json ok_ack() {
  return nlohmann::json{{"ok", true}};
}

inline nlohmann::json error_ack(ErrorCode code, std::string_view message) {
  return nlohmann::json{{"ok", false},
                        {"error", {{"code", to_string(code)}, {"message", message}}}};
}

}  // namespace confab::meeting
