#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "meeting/admission.hpp"
#include "meeting/chat_service.hpp"
#include "meeting/client_addresses.hpp"
#include "meeting/ice_servers.hpp"
#include "meeting/meeting_config.hpp"
#include "meeting/outbox.hpp"
#include "meeting/room_directory.hpp"
#include "meeting/sfu_signaling.hpp"

namespace confab::meeting {

// Entering and leaving rooms: join_room (or knocking), leave_room, disconnect, admission from
// the waiting room, removal, and the room's life cycle (host promotion, closing), with their
// notifications.
class Membership {
 public:
  Membership(RoomDirectory& rooms, Outbox& outbox, ChatService& chat, Admission& admission,
             const ClientAddresses& addresses, const IceServers& ice_servers, SfuSignaling& sfu,
             const MeetingConfig& config);

  // The join ack as JSON text: it is written without a DOM, as every join sends one.
  std::string join(const ParticipantId& id, const nlohmann::json& payload);
  nlohmann::json leave(const ParticipantId& id, const nlohmann::json& payload);
  void disconnect(const ParticipantId& id);

  // Moves a waiter into the room: `admitted` (the join ack's shape) to it, `new_user` to the
  // rest. Throws unknown_peer if `id` is not waiting there, room_full if there is no space.
  void admit(Room& room, const ParticipantId& id);
  // A host turns a waiter away with `denied {reason: "denied"}`; its address (and token) may
  // not knock again while the room lives. unknown_peer if `id` is not waiting there.
  void deny(Room& room, const ParticipantId& id);
  // Turns a waiter away with `denied {reason}` for a reason that is not about it (the room is
  // full): it may knock again later. unknown_peer if `id` is not waiting there.
  void turn_away(Room& room, const ParticipantId& id, std::string_view reason);
  // Takes a member out (`user_left` to the rest, a new host if needed). The room keeps at
  // least one member: the caller is one.
  void remove(Room& room, const ParticipantId& id);
  // Ends the meeting: `meeting_ended {by}` to every member, `denied` to every waiter, and the
  // room is gone.
  void end(Room& room, const ParticipantId& by);

  // Sends `event` to the room's hosts.
  void tell_hosts(const Room& room, std::string_view event, std::string_view text);

 private:
  // Removes `id` from its room or waiting list (if any) and tells who needs to know.
  void depart(const ParticipantId& id);
  void close_empty(Room& room);
  void ensure_host(Room& room);
  std::string join_ack(const Room& room, const Participant& self) const;
  std::string waiting_ack(const Room& room, const Participant& self) const;

  RoomDirectory& rooms_;
  Outbox& outbox_;
  ChatService& chat_;
  Admission& admission_;
  const ClientAddresses& addresses_;
  const IceServers& ice_servers_;
  SfuSignaling& sfu_;
  const MeetingConfig& config_;
};

}  // namespace confab::meeting
