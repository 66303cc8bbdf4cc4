#include "meeting/event.hpp"

#include <array>
#include <utility>

namespace confab::meeting {

std::optional<Event> parse_event(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, Event>, 15> kEvents = {{
      {"join_room", Event::join_room},
      {"leave_room", Event::leave_room},
      {"offer", Event::offer},
      {"answer", Event::answer},
      {"ice_candidate", Event::ice_candidate},
      {"message", Event::message},
      {"media_state", Event::media_state},
      {"set_password", Event::set_password},
      {"lock_room", Event::lock_room},
      {"set_waiting_room", Event::set_waiting_room},
      {"kick", Event::kick},
      {"mute_request", Event::mute_request},
      {"end_meeting", Event::end_meeting},
      {"admit", Event::admit},
      {"deny", Event::deny},
  }};
  for (const auto& [event_name, event] : kEvents) {
    if (event_name == name) return event;
  }
  return std::nullopt;
}

}  // namespace confab::meeting
