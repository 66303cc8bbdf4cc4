#include "common/rate_limit.hpp"

#include <gtest/gtest.h>

namespace confab::common {
namespace {

TEST(RateLimitTest, AllowsTheBurstThenRefillsAtTheRate) {
  TokenBucket bucket(RateLimit{.per_second = 5, .burst = 10}, 0);
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(bucket.try_take(0)) << i;
  EXPECT_FALSE(bucket.try_take(0));
  EXPECT_FALSE(bucket.try_take(199));  // 0.995 tokens
  EXPECT_TRUE(bucket.try_take(200));
  EXPECT_FALSE(bucket.try_take(200));
  EXPECT_FALSE(bucket.try_take(100));  // the clock went back: nothing refilled
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(bucket.try_take(60'000)) << i;  // capped at burst
  EXPECT_FALSE(bucket.try_take(60'000));
}

TEST(RateLimitTest, ZeroRateMeansUnlimited) {
  KeyedRateLimiter limiter(RateLimit{.per_second = 0, .burst = 0});
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(limiter.allow("a", 0));
  EXPECT_EQ(limiter.size(), 0u);
}

TEST(RateLimitTest, KeyedLimiterKeepsOneBucketPerKey) {
  KeyedRateLimiter limiter(RateLimit{.per_second = 1, .burst = 1});
  EXPECT_TRUE(limiter.allow("a", 0));
  EXPECT_FALSE(limiter.allow("a", 0));
  EXPECT_TRUE(limiter.allow("b", 0));
  limiter.forget("a");
  EXPECT_TRUE(limiter.allow("a", 0));
  EXPECT_EQ(limiter.size(), 2u);
}

TEST(RateLimitTest, MsUntilAvailableCountsTheRefill) {
  TokenBucket bucket(RateLimit{.per_second = 2, .burst = 1}, 0);
  EXPECT_EQ(bucket.ms_until_available(0), 0);
  EXPECT_TRUE(bucket.try_take(0));
  EXPECT_EQ(bucket.ms_until_available(0), 500);
  EXPECT_EQ(bucket.ms_until_available(400), 100);
  EXPECT_FALSE(bucket.full(400));
  EXPECT_TRUE(bucket.full(500));
}

}  // namespace
}  // namespace confab::common
