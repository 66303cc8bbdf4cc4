#include "meeting/room_directory.hpp"

#include "meeting/error_code.hpp"

namespace confab::meeting {

namespace {

const std::string* lookup(const std::unordered_map<ParticipantId, std::string>& index,
                          const ParticipantId& id) {
  const auto it = index.find(id);
  return it == index.end() ? nullptr : &it->second;
}

}  // namespace

Room* RoomDirectory::find(const std::string& room_id) {
  const auto it = rooms_.find(room_id);
  return it == rooms_.end() ? nullptr : &it->second;
}

Room* RoomDirectory::room_of(const ParticipantId& id) {
  const std::string* room_id = lookup(room_of_, id);
  return room_id == nullptr ? nullptr : find(*room_id);
}

Room* RoomDirectory::waiting_room_of(const ParticipantId& id) {
  const std::string* room_id = lookup(waiting_in_, id);
  return room_id == nullptr ? nullptr : find(*room_id);
}

Room& RoomDirectory::joined_room(const ParticipantId& id) {
  Room* room = room_of(id);
  if (room == nullptr) throw RequestError(ErrorCode::not_in_room, "join a room first");
  return *room;
}

Room& RoomDirectory::open(const std::string& room_id) {
  return rooms_.try_emplace(room_id, room_id).first->second;
}

void RoomDirectory::add(Room& room, Participant participant) {
  room_of_.insert_or_assign(participant.id, room.id());
  room.add(std::move(participant));
}

void RoomDirectory::add_waiting(Room& room, Participant participant) {
  waiting_in_.insert_or_assign(participant.id, room.id());
  room.add_waiting(std::move(participant));
}

std::optional<Participant> RoomDirectory::remove(Room& room, const ParticipantId& id) {
  auto removed = room.remove(id);
  if (removed) room_of_.erase(id);
  return removed;
}

std::optional<Participant> RoomDirectory::remove_waiting(Room& room, const ParticipantId& id) {
  auto removed = room.remove_waiting(id);
  if (removed) waiting_in_.erase(id);
  return removed;
}

void RoomDirectory::drop(Room& room) {
  for (const auto& member : room.members()) room_of_.erase(member.id);
  for (const auto& waiter : room.waiting()) waiting_in_.erase(waiter.id);
  const std::string id = room.id();  // `room` dies in erase
  rooms_.erase(id);
}

}  // namespace confab::meeting
