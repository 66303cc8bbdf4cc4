#include "meeting/last_n.hpp"

#include <algorithm>

namespace confab::meeting {

void LastN::joined(const ParticipantId& member) {
  if (std::find(order_.begin(), order_.end(), member) == order_.end()) order_.push_back(member);
}

void LastN::left(const ParticipantId& member) {
  std::erase(order_, member);
  pins_.erase(member);
  for (auto& [subscriber, pinned] : pins_) std::erase(pinned, member);
}

void LastN::spoke(const ParticipantId& member) {
  const auto found = std::find(order_.begin(), order_.end(), member);
  if (found == order_.end()) {
    order_.insert(order_.begin(), member);
  } else {
    std::rotate(order_.begin(), found, found + 1);
  }
}

void LastN::pin(const ParticipantId& subscriber, std::span<const ParticipantId> members) {
  std::vector<ParticipantId> pinned;
  for (const auto& member : members) {
    if (pinned.size() == kMaxPins) break;
    if (std::find(pinned.begin(), pinned.end(), member) == pinned.end()) pinned.push_back(member);
  }
  if (pinned.empty()) {
    pins_.erase(subscriber);
  } else {
    pins_[subscriber] = std::move(pinned);
  }
}

const std::vector<ParticipantId>& LastN::pins(const ParticipantId& subscriber) const {
  static const std::vector<ParticipantId> kNone;
  const auto found = pins_.find(subscriber);
  return found == pins_.end() ? kNone : found->second;
}

std::unordered_set<ParticipantId> LastN::cameras_for(
    const ParticipantId& subscriber, const std::unordered_set<ParticipantId>& publishers) const {
  std::unordered_set<ParticipantId> cameras;
  if (n_ == 0) {
    cameras = publishers;
    cameras.erase(subscriber);
    return cameras;
  }
  for (const auto& member : pins(subscriber)) {
    if (publishers.contains(member)) cameras.insert(member);
  }
  std::size_t recent = 0;
  for (const auto& member : order_) {
    if (recent == n_) break;
    if (member == subscriber || !publishers.contains(member)) continue;
    cameras.insert(member);
    ++recent;
  }
  return cameras;
}

}  // namespace confab::meeting
