#pragma once
// Exponential backoff after repeated failures, per key (an address, a room).
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

namespace confab::meeting {

struct BackoffPolicy {
  int free_failures = 5;                     // failures before any wait
  std::int64_t base_delay_ms = 1000;         // the wait after the first failure beyond those
  std::int64_t max_delay_ms = 300'000;       // the wait doubles per failure up to this
  std::int64_t forget_after_ms = 1'800'000;  // a key quiet this long starts afresh
  std::size_t max_keys = 100'000;            // memory bound; the oldest quiet keys go first
};

// Counts failures per key. After `free_failures`, each further failure makes the key wait
// base * 2^(n-1) (capped) from that failure on. Attempts refused while waiting are not
// failures: they learn nothing, so they do not extend the wait. Only failures are recorded:
// a key that never fails costs no memory.
class FailureBackoff {
 public:
  explicit FailureBackoff(BackoffPolicy policy) : policy_(policy) {}

  // Milliseconds until `key` may try again; 0: now.
  std::int64_t wait_ms(const std::string& key, std::int64_t now_ms) const;
  // Recent failures of `key` (0 once forgotten).
  int failures(const std::string& key, std::int64_t now_ms) const;
  void record_failure(const std::string& key, std::int64_t now_ms);
  void reset(const std::string& key) { entries_.erase(key); }
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    int failures = 0;
    std::int64_t last_failure_ms = 0;
    std::int64_t blocked_until_ms = 0;
  };
  const Entry* live(const std::string& key, std::int64_t now_ms) const;
  void make_room(std::int64_t now_ms);

  BackoffPolicy policy_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace confab::meeting
