#include "common/rate_limit.hpp"

#include <algorithm>
#include <cmath>

namespace confab::common {

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

std::int64_t TokenBucket::ms_until_available(std::int64_t now_ms) const {
  if (limit_.per_second <= 0) return 0;
  const double elapsed_s = now_ms > last_ms_ ? static_cast<double>(now_ms - last_ms_) / 1000.0 : 0;
  const double tokens = std::min(limit_.burst, tokens_ + elapsed_s * limit_.per_second);
  if (tokens >= 1.0) return 0;
  return static_cast<std::int64_t>(std::ceil((1.0 - tokens) / limit_.per_second * 1000.0));
}

bool TokenBucket::full(std::int64_t now_ms) const {
  if (limit_.per_second <= 0) return true;
  const double elapsed_s = now_ms > last_ms_ ? static_cast<double>(now_ms - last_ms_) / 1000.0 : 0;
  return tokens_ + elapsed_s * limit_.per_second >= limit_.burst;
}

bool KeyedRateLimiter::allow(const std::string& key, std::int64_t now_ms) {
  if (limit_.per_second <= 0) return true;
  if (buckets_.size() >= max_keys_ && !buckets_.contains(key)) {
    std::erase_if(buckets_, [now_ms](const auto& item) { return item.second.full(now_ms); });
    if (buckets_.size() >= max_keys_) buckets_.erase(buckets_.begin());
  }
  auto it = buckets_.try_emplace(key, limit_, now_ms).first;
  return it->second.try_take(now_ms);
}

std::int64_t KeyedRateLimiter::ms_until_available(const std::string& key,
                                                  std::int64_t now_ms) const {
  const auto it = buckets_.find(key);
  return it == buckets_.end() ? 0 : it->second.ms_until_available(now_ms);
}

}  // namespace confab::common
