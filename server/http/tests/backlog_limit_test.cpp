#include "http/backlog_limit.hpp"

#include <gtest/gtest.h>

namespace confab::http {
namespace {

TEST(BacklogLimit, AdmitsUpToTheLimitAndCountsOneSlowClient) {
  Traffic traffic;
  BacklogLimit limit(1000, 100);
  EXPECT_TRUE(limit.admits(0, 1000, traffic));
  EXPECT_TRUE(limit.admits(900, 100, traffic));
  EXPECT_FALSE(limit.admits(901, 100, traffic));
  EXPECT_FALSE(limit.admits(2000, 1, traffic));  // the same client: counted once
  EXPECT_EQ(traffic.slow_clients_dropped, 1u);
}

TEST(BacklogLimit, AlwaysRoomForTwoLargestMessages) {
  Traffic traffic;
  BacklogLimit limit(1024, 100'000);
  EXPECT_EQ(limit.limit(), 200'000u);
  EXPECT_TRUE(limit.admits(100'000, 100'000, traffic));
  EXPECT_EQ(traffic.slow_clients_dropped, 0u);
}

}  // namespace
}  // namespace confab::http
