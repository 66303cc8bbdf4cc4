#pragma once
#include <nlohmann/json.hpp>

#include "meeting/chat_service.hpp"
#include "meeting/meeting_config.hpp"
#include "meeting/name_generator.hpp"
#include "meeting/outbox.hpp"
#include "meeting/room_directory.hpp"

namespace confab::meeting {

// Entering and leaving rooms: join_room, leave_room and disconnect, with their notifications.
class Membership {
 public:
  Membership(RoomDirectory& rooms, Outbox& outbox, ChatService& chat, NameGenerator& names,
             const MeetingConfig& config);

  nlohmann::json join(const ParticipantId& id, const nlohmann::json& payload);
  nlohmann::json leave(const ParticipantId& id, const nlohmann::json& payload);
  void disconnect(const ParticipantId& id);

 private:
  // Removes `id` from its room (if any) and tells the remaining members.
  void depart(const ParticipantId& id);
  nlohmann::json join_ack(const Room& room, const Participant& self, nlohmann::json chat) const;

  RoomDirectory& rooms_;
  Outbox& outbox_;
  ChatService& chat_;
  NameGenerator& names_;
  const MeetingConfig& config_;
};

}  // namespace confab::meeting
