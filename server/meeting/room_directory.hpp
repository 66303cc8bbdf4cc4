#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "meeting/room.hpp"

namespace confab::meeting {

// All live rooms, which room each participant is in, and which room each waiter knocked on.
// A room lives while it has members; dropping it is the caller's decision (it must tell the
// waiters first). Room references stay valid until the room is dropped (node-based map).
class RoomDirectory {
 public:
  // The sender's room, or nullptr before join.
  Room* room_of(const ParticipantId& id);
  // The room the sender is waiting to enter, or nullptr.
  Room* waiting_room_of(const ParticipantId& id);
  Room* find(const std::string& room_id);
  // The sender's room; throws not_in_room before join.
  Room& joined_room(const ParticipantId& id);

  // The room, created (empty, default settings) if it does not exist.
  Room& open(const std::string& room_id);
  // The participant must be in no room and no waiting list.
  void add(Room& room, Participant participant);
  void add_waiting(Room& room, Participant participant);
  std::optional<Participant> remove(Room& room, const ParticipantId& id);
  std::optional<Participant> remove_waiting(Room& room, const ParticipantId& id);
  // Forgets the room and its waiting list. The room must have no members.
  void drop(Room& room);

  template <typename Visit>
  void for_each(Visit&& visit) {
    for (auto& [id, room] : rooms_) visit(room);
  }

  std::size_t room_count() const { return rooms_.size(); }
  std::size_t participant_count() const { return room_of_.size(); }
  std::size_t waiting_count() const { return waiting_in_.size(); }

 private:
  std::unordered_map<std::string, Room> rooms_;
  std::unordered_map<ParticipantId, std::string> room_of_;
  std::unordered_map<ParticipantId, std::string> waiting_in_;
};

}  // namespace confab::meeting
