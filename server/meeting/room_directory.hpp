#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

#include "meeting/room.hpp"

namespace confab::meeting {

// All live rooms and which room each participant is in. Rooms exist only while they have
// members. Room references stay valid until the room is dropped (node-based map).
class RoomDirectory {
 public:
  // The sender's room, or nullptr before join.
  Room* room_of(const ParticipantId& id);
  Room* find(const std::string& room_id);
  // The sender's room; throws not_in_room before join.
  Room& joined_room(const ParticipantId& id);

  // Adds `participant` to `room_id`, creating the room. The caller has left any previous room.
  Room& add(const std::string& room_id, Participant participant);

  // Removes the participant from its room, dropping the room when it becomes empty.
  // Returns the room with its remaining members, or nullptr if dropped or never joined.
  Room* remove(const ParticipantId& id);

  std::size_t room_count() const { return rooms_.size(); }
  std::size_t participant_count() const { return room_of_.size(); }

 private:
  std::unordered_map<std::string, Room> rooms_;
  std::unordered_map<ParticipantId, std::string> room_of_;
};

}  // namespace confab::meeting
