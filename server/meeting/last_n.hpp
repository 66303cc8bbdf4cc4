#pragma once
// Last-N forwarding of one room: which cameras each subscriber receives. A big meeting cannot
// send everyone's camera to everyone, and people look at who speaks: each subscriber gets the
// cameras of the N members who spoke most recently, plus those it pinned. Screen shares and
// audio are not this class's concern: they are never cut (a silent mic sends next to nothing).
#include <cstddef>
#include <span>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "meeting/outbox.hpp"

namespace confab::meeting {

class LastN {
 public:
  // Pins per subscriber, at most.
  static constexpr std::size_t kMaxPins = 4;

  // `n` cameras per subscriber besides its pins; 0: no limit.
  explicit LastN(std::size_t n) : n_(n) {}

  // A new member goes after every other one (it has not spoken yet). Known members stay put.
  void joined(const ParticipantId& member);
  // Forgets the member: its place, its pins, and every pin of it.
  void left(const ParticipantId& member);
  // The member became the dominant speaker: first in the order.
  void spoke(const ParticipantId& member);
  // Replaces `subscriber`'s pins (at most kMaxPins; duplicates count once).
  void pin(const ParticipantId& subscriber, std::span<const ParticipantId> members);

  // Most recent speaker first; those who never spoke after those who did, in join order.
  const std::vector<ParticipantId>& order() const { return order_; }
  const std::vector<ParticipantId>& pins(const ParticipantId& subscriber) const;

  // The members whose camera `subscriber` receives, among `publishers` (those with a camera
  // on): the first N of them in the order, other than the subscriber, plus its pins.
  std::unordered_set<ParticipantId> cameras_for(
      const ParticipantId& subscriber, const std::unordered_set<ParticipantId>& publishers) const;

  std::size_t n() const { return n_; }

 private:
  std::size_t n_;
  std::vector<ParticipantId> order_;
  std::unordered_map<ParticipantId, std::vector<ParticipantId>> pins_;
};

}  // namespace confab::meeting
