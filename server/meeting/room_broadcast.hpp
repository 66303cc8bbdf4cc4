#pragma once
#include <nlohmann/json.hpp>
#include <string_view>

#include "meeting/outbox.hpp"
#include "meeting/room.hpp"

namespace confab::meeting {

inline void send_to_everyone(Outbox& outbox, const Room& room, std::string_view event,
                             const nlohmann::json& data) {
  for (const auto& member : room.members()) outbox.send(member.id, event, data);
}

inline void send_to_others(Outbox& outbox, const Room& room, const ParticipantId& sender,
                           std::string_view event, const nlohmann::json& data) {
  for (const auto& member : room.members()) {
    if (member.id != sender) outbox.send(member.id, event, data);
  }
}

}  // namespace confab::meeting
