#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "meeting/participant.hpp"

namespace confab::meeting {

// A validated `join_room` payload: {room, name?, audio?, video?, password?, token?}.
struct JoinRequest {
  std::string room;
  std::optional<std::string> name;  // trimmed; nullopt means "pick a guest name"
  MediaState media;
  std::optional<std::string> password;  // as typed: never trimmed
  std::optional<std::string> token;     // a join token (JWT); checked by Admission

  // Throws RequestError (bad_request, invalid_room, invalid_name).
  static JoinRequest parse(const nlohmann::json& payload);
};

}  // namespace confab::meeting
