#include "meeting/event.hpp"

#include <array>
#include <utility>

namespace confab::meeting {

std::optional<Event> parse_event(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, Event>, 7> kEvents = {{
      {"join_room", Event::join_room},
      {"leave_room", Event::leave_room},
      {"offer", Event::offer},
      {"answer", Event::answer},
      {"ice_candidate", Event::ice_candidate},
      {"message", Event::message},
      {"media_state", Event::media_state},
  }};
  for (const auto& [event_name, event] : kEvents) {
    if (event_name == name) return event;
  }
  return std::nullopt;
}

}  // namespace confab::meeting
