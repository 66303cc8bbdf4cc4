#pragma once
// The two shapes of every ack: {ok:true,...} and {ok:false,error:{code,message,retry_after_ms?}}.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "meeting/error_code.hpp"

namespace confab::meeting {

inline nlohmann::json ok_ack() {
  return nlohmann::json{{"ok", true}};
}

// `retry_after_ms` > 0 is added to the error: when a limit lets the client try again.
inline nlohmann::json error_ack(ErrorCode code, std::string_view message,
                                std::int64_t retry_after_ms = 0) {
  nlohmann::json error{{"code", to_string(code)}, {"message", message}};
  if (retry_after_ms > 0) error["retry_after_ms"] = retry_after_ms;
  return nlohmann::json{{"ok", false}, {"error", std::move(error)}};
}

}  // namespace confab::meeting
