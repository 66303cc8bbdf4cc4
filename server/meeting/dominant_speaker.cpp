#include "meeting/dominant_speaker.hpp"

#include <algorithm>

namespace confab::meeting {

std::optional<ParticipantId> DominantSpeaker::update(const std::vector<Reading>& readings) {
  for (auto& [member, score] : scores_) score *= 1 - kSmoothing;
  for (const auto& reading : readings) {
    scores_[reading.member] += kSmoothing * std::clamp(reading.activity, 0.0f, 1.0f);
  }
  const ParticipantId* loudest = nullptr;
  float best = 0;
  for (const auto& [member, score] : scores_) {
    if (score > best) {
      best = score;
      loudest = &member;
    }
  }
  if (loudest == nullptr || best < kMinScore || *loudest == current_) return std::nullopt;
  const auto held = current_ ? scores_.find(*current_) : scores_.end();
  const float current_score = held == scores_.end() ? 0.0f : held->second;
  if (best < current_score * kMargin) return std::nullopt;
  current_ = *loudest;
  return current_;
}

void DominantSpeaker::forget(const ParticipantId& member) {
  scores_.erase(member);
  if (current_ == member) current_.reset();
}

}  // namespace confab::meeting
