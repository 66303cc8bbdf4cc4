#pragma once
// Rate limits: a token bucket, and one bucket per key (participant, address).
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

namespace confab::common {

struct RateLimit {
  double per_second = 0;  // refill rate; 0 disables the limit
  double burst = 1;       // bucket size: how many may come at once
};

class TokenBucket {
 public:
  TokenBucket(RateLimit limit, std::int64_t now_ms);
  // Takes one token if there is one. A clock that goes back refills nothing.
  bool try_take(std::int64_t now_ms);
  // Milliseconds until a token is there (0: now).
  std::int64_t ms_until_available(std::int64_t now_ms) const;
  // Whether the bucket has refilled completely: it is then as good as a new one.
  bool full(std::int64_t now_ms) const;

 private:
  RateLimit limit_;
  double tokens_;
  std::int64_t last_ms_;
};

// One bucket per key (a participant id, an address), created full on first use. Beyond
// `max_keys`, buckets that have refilled are dropped (a new one would be the same).
class KeyedRateLimiter {
 public:
  explicit KeyedRateLimiter(RateLimit limit, std::size_t max_keys = 100'000)
      : limit_(limit), max_keys_(max_keys) {}
  bool allow(const std::string& key, std::int64_t now_ms);
  // Milliseconds until `key` may go again (0: now).
  std::int64_t ms_until_available(const std::string& key, std::int64_t now_ms) const;
  void forget(const std::string& key) { buckets_.erase(key); }
  std::size_t size() const { return buckets_.size(); }

 private:
  RateLimit limit_;
  std::size_t max_keys_;
  std::unordered_map<std::string, TokenBucket> buckets_;
};

}  // namespace confab::common
