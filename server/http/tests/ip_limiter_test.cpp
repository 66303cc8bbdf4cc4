#include "http/ip_limiter.hpp"

#include <gtest/gtest.h>

namespace confab::http {
namespace {

TEST(IpLimiter, CapsPerAddressAndReleasesOnSlotDestruction) {
  IpLimiter limiter(2);
  auto a1 = limiter.acquire("10.0.0.1");
  auto a2 = limiter.acquire("10.0.0.1");
  ASSERT_TRUE(a1 && a2);
  EXPECT_FALSE(limiter.acquire("10.0.0.1"));
  EXPECT_TRUE(limiter.acquire("10.0.0.2"));  // other addresses are unaffected
  EXPECT_EQ(limiter.rejected(), 1u);
  a1.reset();
  EXPECT_EQ(limiter.count("10.0.0.1"), 1u);
  auto moved = std::move(*a2);
  a2.reset();  // a moved-from slot releases nothing
  EXPECT_EQ(limiter.count("10.0.0.1"), 1u);
  EXPECT_TRUE(limiter.acquire("10.0.0.1"));
}

TEST(IpLimiter, ZeroMeansUnlimited) {
  IpLimiter limiter(0);
  std::vector<IpLimiter::Slot> slots;
  for (int i = 0; i < 100; ++i) slots.push_back(std::move(*limiter.acquire("x")));
  EXPECT_EQ(limiter.count("x"), 100u);
  slots.clear();
  EXPECT_EQ(limiter.count("x"), 0u);
}

}  // namespace
}  // namespace confab::http
