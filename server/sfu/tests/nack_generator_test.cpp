#include "sfu/nack_generator.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace confab::sfu {
namespace {

using namespace std::chrono_literals;
using Clock = NackGenerator::Clock;
using Seqs = std::vector<std::uint16_t>;

const Clock::time_point t0{};

Seqs collect(NackGenerator& g, Clock::time_point now) {
  const auto s = g.collect(now);
  return Seqs(s.begin(), s.end());
}

TEST(NackGenerator, GapIsNackedOnceTwoLate) {
  NackGenerator g;
  EXPECT_FALSE(g.on_packet(10, t0));
  EXPECT_FALSE(g.on_packet(12, t0));  // 11 missing, 1 late
  EXPECT_EQ(g.missing_count(), 1u);
  EXPECT_EQ(collect(g, t0), Seqs{});
  g.on_packet(13, t0 + 1ms);  // 2 late
  EXPECT_EQ(collect(g, t0 + 1ms), Seqs{11});
  EXPECT_EQ(collect(g, t0 + 2ms), Seqs{});  // not again before the retry interval
  EXPECT_EQ(collect(g, t0 + 41ms), Seqs{11});
}

TEST(NackGenerator, GapIsNackedAfterTheFirstDelayWithoutNewerPackets) {
  NackGenerator g;
  g.on_packet(10, t0);
  g.on_packet(13, t0);  // 11 (2 late) and 12 (1 late)
  EXPECT_EQ(collect(g, t0), Seqs{11});
  EXPECT_EQ(collect(g, t0 + 19ms), Seqs{});
  EXPECT_EQ(collect(g, t0 + 20ms), Seqs{12});
  EXPECT_EQ(g.next_due(), t0 + 40ms);  // 11's retry comes first
}

TEST(NackGenerator, RecoveredPacketLeavesTheList) {
  NackGenerator g;
  g.on_packet(1, t0);
  g.on_packet(5, t0);  // 2, 3, 4 missing
  EXPECT_EQ(collect(g, t0 + 20ms), (Seqs{2, 3, 4}));
  EXPECT_TRUE(g.on_packet(3, t0 + 30ms));   // the retransmission
  EXPECT_FALSE(g.on_packet(3, t0 + 31ms));  // a duplicate of it
  EXPECT_FALSE(g.on_packet(5, t0 + 31ms));  // a duplicate of the newest
  EXPECT_EQ(g.missing_count(), 2u);
  EXPECT_EQ(collect(g, t0 + 60ms), (Seqs{2, 4}));
  EXPECT_FALSE(g.next_due() < t0 + 100ms);
}

TEST(NackGenerator, RetryLimitThenForgotten) {
  NackGenerator g;
  g.on_packet(1, t0);
  g.on_packet(3, t0);
  int sent = 0;
  for (int i = 0; i < 30; ++i) sent += static_cast<int>(collect(g, t0 + 20ms + i * 40ms).size());
  EXPECT_EQ(sent, 10);
  EXPECT_EQ(g.missing_count(), 0u);
  EXPECT_FALSE(g.next_due());
  EXPECT_FALSE(g.on_packet(2, t0 + 2s));  // too late: not counted as recovered
}

TEST(NackGenerator, MaxAgeForgets) {
  NackGenerator::Config config;
  config.retry_interval = 400ms;
  NackGenerator g(config);
  g.on_packet(1, t0);
  g.on_packet(3, t0);
  EXPECT_EQ(collect(g, t0 + 20ms), Seqs{2});
  EXPECT_EQ(collect(g, t0 + 420ms), Seqs{2});
  EXPECT_EQ(collect(g, t0 + 820ms), Seqs{2});
  EXPECT_EQ(collect(g, t0 + 1021ms), Seqs{});  // older than 1 s
  EXPECT_EQ(g.missing_count(), 0u);
}

TEST(NackGenerator, RttSetsTheRetryInterval) {
  NackGenerator g;
  g.set_rtt(100ms);
  g.on_packet(1, t0);
  g.on_packet(4, t0);
  EXPECT_EQ(collect(g, t0), Seqs{2});
  EXPECT_EQ(collect(g, t0 + 99ms), Seqs{3});
  EXPECT_EQ(collect(g, t0 + 100ms), Seqs{2});
  g.set_rtt(1ms);  // clamped to min_retry_interval (20 ms)
  EXPECT_EQ(collect(g, t0 + 110ms), Seqs{});
  EXPECT_EQ(collect(g, t0 + 120ms), (Seqs{2, 3}));
}

TEST(NackGenerator, AcrossTheWrap) {
  NackGenerator g;
  g.on_packet(65533, t0);
  g.on_packet(1, t0);  // 65534, 65535, 0 missing
  EXPECT_EQ(g.missing_count(), 3u);
  EXPECT_EQ(collect(g, t0 + 20ms), (Seqs{65534, 65535, 0}));
  EXPECT_TRUE(g.on_packet(0, t0 + 25ms));
  EXPECT_TRUE(g.on_packet(65535, t0 + 25ms));
  EXPECT_EQ(collect(g, t0 + 60ms), (Seqs{65534}));
}

TEST(NackGenerator, TooManyMissingAsksForAKeyframe) {
  NackGenerator::Config config;
  config.max_missing = 8;
  NackGenerator g(config);
  g.on_packet(100, t0);
  g.on_packet(105, t0);  // 4 missing: fine
  EXPECT_FALSE(g.keyframe_needed());
  g.on_packet(111, t0);  // 5 more: 9 > 8
  EXPECT_EQ(g.missing_count(), 0u);
  EXPECT_TRUE(g.keyframe_needed());
  EXPECT_FALSE(g.keyframe_needed());  // reading cleared it
  g.on_packet(113, t0);               // counting resumes after the jump
  EXPECT_EQ(g.missing_count(), 1u);
}

TEST(NackGenerator, KeyframeClearsOlderLosses) {
  NackGenerator g;
  g.on_packet(1, t0);
  g.on_packet(4, t0);
  g.on_packet(6, t0, true);  // a keyframe starts at 6: 2, 3 no longer matter; 5 still does
  EXPECT_EQ(collect(g, t0 + 20ms), Seqs{5});
  // A keyframe after a gap too large asks nothing: it is the keyframe.
  NackGenerator::Config config;
  config.max_missing = 4;
  NackGenerator h(config);
  h.on_packet(1, t0);
  h.on_packet(100, t0, true);
  EXPECT_FALSE(h.keyframe_needed());
  EXPECT_EQ(h.missing_count(), 0u);
}

TEST(NackGenerator, Reset) {
  NackGenerator g;
  g.on_packet(1, t0);
  g.on_packet(3, t0);
  g.reset();
  EXPECT_EQ(g.missing_count(), 0u);
  g.on_packet(40000, t0);  // a new start, not a huge gap
  EXPECT_EQ(g.missing_count(), 0u);
  EXPECT_FALSE(g.keyframe_needed());
}

}  // namespace
}  // namespace confab::sfu
