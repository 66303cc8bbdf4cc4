#include "meeting/failure_backoff.hpp"

#include <algorithm>

namespace confab::meeting {

const FailureBackoff::Entry* FailureBackoff::live(const std::string& key,
                                                  std::int64_t now_ms) const {
  const auto it = entries_.find(key);
  if (it == entries_.end() || now_ms - it->second.last_failure_ms >= policy_.forget_after_ms) {
    return nullptr;
  }
  return &it->second;
}

std::int64_t FailureBackoff::wait_ms(const std::string& key, std::int64_t now_ms) const {
  const Entry* entry = live(key, now_ms);
  return entry == nullptr ? 0 : std::max<std::int64_t>(0, entry->blocked_until_ms - now_ms);
}

int FailureBackoff::failures(const std::string& key, std::int64_t now_ms) const {
  const Entry* entry = live(key, now_ms);
  return entry == nullptr ? 0 : entry->failures;
}

void FailureBackoff::record_failure(const std::string& key, std::int64_t now_ms) {
  if (!entries_.contains(key) && entries_.size() >= policy_.max_keys) make_room(now_ms);
  Entry& entry = entries_[key];
  if (now_ms - entry.last_failure_ms >= policy_.forget_after_ms) entry = Entry{};
  ++entry.failures;
  entry.last_failure_ms = now_ms;
  const int beyond = entry.failures - policy_.free_failures;
  if (beyond <= 0) return;
  std::int64_t delay = policy_.base_delay_ms;
  for (int i = 1; i < beyond && delay < policy_.max_delay_ms; ++i) delay *= 2;
  entry.blocked_until_ms = now_ms + std::min(delay, policy_.max_delay_ms);
}

// Forgets the keys that are quiet by now; if all are recent, the least recent one.
void FailureBackoff::make_room(std::int64_t now_ms) {
  std::erase_if(entries_, [&](const auto& item) {
    return now_ms - item.second.last_failure_ms >= policy_.forget_after_ms;
  });
  if (entries_.size() < policy_.max_keys || entries_.empty()) return;
  entries_.erase(
      std::min_element(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
        return a.second.last_failure_ms < b.second.last_failure_ms;
      }));
}

}  // namespace confab::meeting
