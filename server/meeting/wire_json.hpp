#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace confab::meeting {

// A payload as sent: compact, and never throwing on text that is not UTF-8.
inline std::string to_json_text(const nlohmann::json& data) {
  return data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace confab::meeting
