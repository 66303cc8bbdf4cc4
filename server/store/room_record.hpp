#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace confab::store {

// Persistent per-room configuration (access control, host settings).
struct RoomRecord {
  std::string id;
  std::int64_t created_at = 0;  // ms since the Unix epoch
  nlohmann::json settings = nlohmann::json::object();
  std::optional<std::string> password_hash = std::nullopt;

  friend bool operator==(const RoomRecord&, const RoomRecord&) = default;
};

}  // namespace confab::store
