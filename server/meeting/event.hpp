#pragma once
#include <optional>
#include <string_view>

namespace confab::meeting {

// The client-to-server events of protocol v1.
enum class Event {
  join_room,
  leave_room,
  offer,
  answer,
  ice_candidate,
  message,
  media_state,
  // Host controls.
  set_password,
  lock_room,
  set_waiting_room,
  kick,
  mute_request,
  end_meeting,
  admit,
  deny,
};

std::optional<Event> parse_event(std::string_view name);

}  // namespace confab::meeting
