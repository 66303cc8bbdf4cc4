#include "meeting/token_bucket.hpp"

#include <algorithm>

namespace confab::meeting {

TokenBucket::TokenBucket(RateLimit limit, std::int64_t now_ms)
    : limit_(limit), tokens_(limit.burst), last_ms_(now_ms) {}

bool TokenBucket::try_take(std::int64_t now_ms) {
  if (limit_.per_second <= 0) return true;
  if (now_ms > last_ms_) {
    const double elapsed_s = static_cast<double>(now_ms - last_ms_) / 1000.0;
    tokens_ = std::min(limit_.burst, tokens_ + elapsed_s * limit_.per_second);
  }
  last_ms_ = std::max(last_ms_, now_ms);
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

bool KeyedRateLimiter::allow(const std::string& key, std::int64_t now_ms) {
  if (limit_.per_second <= 0) return true;
  auto it = buckets_.try_emplace(key, limit_, now_ms).first;
  return it->second.try_take(now_ms);
}

}  // namespace confab::meeting
