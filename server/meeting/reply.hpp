#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <variant>

#include "meeting/wire_json.hpp"

namespace confab::meeting {

// An event's ack, as a JSON value or as text already written (the join ack, written without a
// DOM). The socket path wants text; tests and other callers may want the value.
class Reply {
 public:
  Reply(nlohmann::json value) : value_(std::move(value)) {}  // NOLINT: handlers return JSON
  static Reply from_text(std::string text) {
    Reply reply(nlohmann::json{});
    reply.value_ = std::move(text);
    return reply;
  }

  nlohmann::json json() && {
    if (auto* text = std::get_if<std::string>(&value_)) return nlohmann::json::parse(*text);
    return std::move(std::get<nlohmann::json>(value_));
  }
  std::string text() && {
    if (auto* value = std::get_if<nlohmann::json>(&value_)) return to_json_text(*value);
    return std::move(std::get<std::string>(value_));
  }

 private:
  std::variant<nlohmann::json, std::string> value_;
};

}  // namespace confab::meeting
