#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "meeting/participant.hpp"

namespace confab::meeting {

// The members of one room in join order. Rooms are small (capacity 16 by default),
// so a vector with linear lookup beats a map.
class Room {
 public:
  explicit Room(std::string id) : id_(std::move(id)) {}

  const std::string& id() const { return id_; }
  bool empty() const { return members_.empty(); }
  std::size_t size() const { return members_.size(); }
  const std::vector<Participant>& members() const { return members_; }

  // nullptr when `id` is not a member. Pointers are invalidated by add/remove.
  Participant* find(const ParticipantId& id);
  const Participant* find(const ParticipantId& id) const;

  void add(Participant participant);
  void remove(const ParticipantId& id);

 private:
  std::string id_;
  std::vector<Participant> members_;
};

}  // namespace confab::meeting
