#pragma once
#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "meeting/admission.hpp"
#include "meeting/event.hpp"
#include "meeting/membership.hpp"
#include "meeting/outbox.hpp"
#include "meeting/room_directory.hpp"
#include "store/store.hpp"

namespace confab::meeting {

// The host-only events: set_password, lock_room, set_waiting_room, kick, mute_request,
// end_meeting, admit, deny. Each checks, in this order, that the sender is in a room
// (not_in_room) and a host there (forbidden), before it reads the payload; a refused request
// changes and sends nothing.
class HostControls {
 public:
  HostControls(RoomDirectory& rooms, Outbox& outbox, Membership& membership, Admission& admission,
               store::Store& store, common::Clock& clock);

  // `event` must be one of the host events.
  nlohmann::json handle(const ParticipantId& from, Event event, const nlohmann::json& payload);

 private:
  Room& host_room(const ParticipantId& from);
  nlohmann::json set_password(Room& room, const ParticipantId& from, const nlohmann::json& payload);
  nlohmann::json lock_room(Room& room, const nlohmann::json& payload);
  nlohmann::json set_waiting_room(Room& room, const nlohmann::json& payload);
  nlohmann::json kick(Room& room, const ParticipantId& from, const nlohmann::json& payload);
  nlohmann::json mute_request(Room& room, const ParticipantId& from, const nlohmann::json& payload);
  nlohmann::json end_meeting(Room& room, const ParticipantId& from, const nlohmann::json& payload);
  nlohmann::json admit(Room& room, const nlohmann::json& payload);
  nlohmann::json deny(Room& room, const nlohmann::json& payload);

  // Writes the room's persistent part (waiting room, password hash) as it would be after the
  // change; throws (internal_error) before anything changed if the store fails.
  void persist(const Room& room, bool waiting_room, const std::optional<std::string>& hash);
  void announce_state(const Room& room);

  RoomDirectory& rooms_;
  Outbox& outbox_;
  Membership& membership_;
  Admission& admission_;
  store::Store& store_;
  common::Clock& clock_;
};

}  // namespace confab::meeting
