#pragma once
// Room-wide events are serialised once, not once per recipient.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "meeting/outbox.hpp"
#include "meeting/room.hpp"
#include "meeting/wire_json.hpp"

namespace confab::meeting {

inline void send_text_to_everyone(Outbox& outbox, const Room& room, std::string_view event,
                                  std::string_view text) {
  for (const auto& member : room.members()) outbox.send_text(member.id, event, text);
}

inline void send_to_everyone(Outbox& outbox, const Room& room, std::string_view event,
                             const nlohmann::json& data) {
  send_text_to_everyone(outbox, room, event, to_json_text(data));
}

inline void send_text_to_others(Outbox& outbox, const Room& room, const ParticipantId& sender,
                                std::string_view event, std::string_view text) {
  for (const auto& member : room.members()) {
    if (member.id != sender) outbox.send_text(member.id, event, text);
  }
}

inline void send_to_others(Outbox& outbox, const Room& room, const ParticipantId& sender,
                           std::string_view event, const nlohmann::json& data) {
  send_text_to_others(outbox, room, sender, event, to_json_text(data));
}

}  // namespace confab::meeting
