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
  // SFU rooms (docs/protocol-sfu.md).
  sfu_capabilities,
  sfu_create_transport,
  sfu_connect_transport,
  sfu_restart_ice,
  sfu_produce,
  sfu_close_producer,
  sfu_pause_producer,
  sfu_resume_producer,
  sfu_consume,
  sfu_pause_consumer,
  sfu_resume_consumer,
  sfu_request_keyframe,
  sfu_pin,
  sfu_consumer_layers,
};

std::optional<Event> parse_event(std::string_view name);

}  // namespace confab::meeting
