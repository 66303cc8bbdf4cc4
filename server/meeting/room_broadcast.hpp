#pragma once
// Room-wide events are serialised once, not once per recipient.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "meeting/outbox.hpp"
#include "meeting/room.hpp"

namespace confab::meeting {

inline std::string to_json_text(const nlohmann::json& data) {
  return data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

inline void send_to_everyone(Outbox& outbox, const Room& room, std::string_view event,
                             const nlohmann::json& data) {
  const std::string text = to_json_text(data);
  for (const auto& member : room.members()) outbox.send_text(member.id, event, text);
}

inline void send_to_others(Outbox& outbox, const Room& room, const ParticipantId& sender,
                           std::string_view event, const nlohmann::json& data) {
  const std::string text = to_json_text(data);
  for (const auto& member : room.members()) {
    if (member.id != sender) outbox.send_text(member.id, event, text);
  }
}

}  // namespace confab::meeting
