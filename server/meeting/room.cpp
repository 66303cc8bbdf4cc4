#include "meeting/room.hpp"

#include <algorithm>

namespace confab::meeting {

namespace {

auto has_id(const ParticipantId& id) {
  return [&id](const Participant& member) { return member.id == id; };
}

}  // namespace

Participant* Room::find(const ParticipantId& id) {
  const auto it = std::find_if(members_.begin(), members_.end(), has_id(id));
  return it == members_.end() ? nullptr : &*it;
}

const Participant* Room::find(const ParticipantId& id) const {
  const auto it = std::find_if(members_.begin(), members_.end(), has_id(id));
  return it == members_.end() ? nullptr : &*it;
}

void Room::add(Participant participant) {
  members_.push_back(std::move(participant));
}

void Room::remove(const ParticipantId& id) {
  std::erase_if(members_, has_id(id));
}

}  // namespace confab::meeting
