#include "meeting/room_directory.hpp"

#include "meeting/error_code.hpp"

namespace confab::meeting {

Room* RoomDirectory::find(const std::string& room_id) {
  const auto it = rooms_.find(room_id);
  return it == rooms_.end() ? nullptr : &it->second;
}

Room* RoomDirectory::room_of(const ParticipantId& id) {
  const auto it = room_of_.find(id);
  return it == room_of_.end() ? nullptr : find(it->second);
}

Room& RoomDirectory::joined_room(const ParticipantId& id) {
  Room* room = room_of(id);
  if (room == nullptr) throw RequestError(ErrorCode::not_in_room, "join a room first");
  return *room;
}

Room& RoomDirectory::add(const std::string& room_id, Participant participant) {
  Room& room = rooms_.try_emplace(room_id, room_id).first->second;
  room_of_.insert_or_assign(participant.id, room_id);
  room.add(std::move(participant));
  return room;
}

Room* RoomDirectory::remove(const ParticipantId& id) {
  const auto membership = room_of_.find(id);
  if (membership == room_of_.end()) return nullptr;
  const auto room = rooms_.find(membership->second);
  room_of_.erase(membership);
  if (room == rooms_.end()) return nullptr;
  room->second.remove(id);
  if (!room->second.empty()) return &room->second;
  rooms_.erase(room);
  return nullptr;
}

}  // namespace confab::meeting
