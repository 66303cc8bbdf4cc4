#pragma once
// Picks a room's dominant speaker from the SFU's speech readings (a few per second). Each
// member's activity is smoothed; the speaker changes only when another member is clearly more
// active, so a cough or a short "yes" does not move the spotlight, and it stays with the last
// speaker through silence, as people expect of a meeting's spotlight.
#include <optional>
#include <unordered_map>
#include <vector>

#include "meeting/outbox.hpp"

namespace confab::meeting {

class DominantSpeaker {
 public:
  // Weight of the newest reading in the smoothed activity (readings every 250 ms: the score
  // follows a member within about a second).
  static constexpr float kSmoothing = 0.4f;
  // Below this smoothed activity a member is not speaking.
  static constexpr float kMinScore = 0.02f;
  // A challenger must be this many times as active as the current speaker.
  static constexpr float kMargin = 1.5f;

  struct Reading {
    ParticipantId member;
    float activity = 0;  // 0..1
  };

  // One interval's readings; members absent from it count as silent. Returns the new dominant
  // speaker when it changed.
  std::optional<ParticipantId> update(const std::vector<Reading>& readings);
  void forget(const ParticipantId& member);
  const std::optional<ParticipantId>& current() const { return current_; }

 private:
  std::unordered_map<ParticipantId, float> scores_;
  std::optional<ParticipantId> current_;
};

}  // namespace confab::meeting
