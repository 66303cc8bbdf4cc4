#include "meeting/event.hpp"

#include <utility>

namespace confab::meeting {

std::optional<Event> parse_event(std::string_view name) {
  static constexpr std::pair<std::string_view, Event> kEvents[] = {
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
      {"sfu_capabilities", Event::sfu_capabilities},
      {"sfu_create_transport", Event::sfu_create_transport},
      {"sfu_connect_transport", Event::sfu_connect_transport},
      {"sfu_restart_ice", Event::sfu_restart_ice},
      {"sfu_produce", Event::sfu_produce},
      {"sfu_close_producer", Event::sfu_close_producer},
      {"sfu_pause_producer", Event::sfu_pause_producer},
      {"sfu_resume_producer", Event::sfu_resume_producer},
      {"sfu_consume", Event::sfu_consume},
      {"sfu_pause_consumer", Event::sfu_pause_consumer},
      {"sfu_resume_consumer", Event::sfu_resume_consumer},
      {"sfu_request_keyframe", Event::sfu_request_keyframe},
      {"sfu_pin", Event::sfu_pin},
      {"sfu_consumer_layers", Event::sfu_consumer_layers},
  };
  for (const auto& [event_name, event] : kEvents) {
    if (event_name == name) return event;
  }
  return std::nullopt;
}

}  // namespace confab::meeting
