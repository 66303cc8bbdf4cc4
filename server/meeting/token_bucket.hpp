#pragma once
// Rate limits: a token bucket, and one bucket per participant.
#include <cstdint>
#include <string>
#include <unordered_map>

namespace confab::meeting {

struct RateLimit {
  double per_second = 0;  // refill rate; 0 disables the limit
  double burst = 1;       // bucket size: how many may come at once
};

class TokenBucket {
 public:
  TokenBucket(RateLimit limit, std::int64_t now_ms);
  // Takes one token if there is one. A clock that goes back refills nothing.
  bool try_take(std::int64_t now_ms);

 private:
  RateLimit limit_;
  double tokens_;
  std::int64_t last_ms_;
};

// One bucket per key (a participant id), created full on first use.
class KeyedRateLimiter {
 public:
  explicit KeyedRateLimiter(RateLimit limit) : limit_(limit) {}
  bool allow(const std::string& key, std::int64_t now_ms);
  void forget(const std::string& key) { buckets_.erase(key); }
  std::size_t size() const { return buckets_.size(); }

 private:
  RateLimit limit_;
  std::unordered_map<std::string, TokenBucket> buckets_;
};

}  // namespace confab::meeting
