#include "sfu/receive_stats.hpp"

#include <gtest/gtest.h>

#include "sfu/ntp_time.hpp"

namespace confab::sfu {
namespace {

using namespace std::chrono_literals;
using Clock = ReceiveStats::Clock;
const Clock::time_point t0{};

TEST(ReceiveStats, LossAcrossWrapAndFractionPerInterval) {
  ReceiveStats s(90000);
  EXPECT_FALSE(s.report_block(1, t0));
  // 65530 .. 65535, 0 .. 3 with 65533 and 1 lost: 10 expected, 8 received.
  for (std::uint32_t q = 65530; q < 65536 + 4; ++q) {
    if (q == 65533 || q == 65537) continue;
    s.on_packet(static_cast<std::uint16_t>(q), q * 3000, t0);
  }
  EXPECT_EQ(s.expected(), 10);
  EXPECT_EQ(s.lost(), 2);
  const auto block = s.report_block(0x42, t0);
  ASSERT_TRUE(block);
  EXPECT_EQ(block->ssrc, 0x42u);
  EXPECT_EQ(block->cumulative_lost, 2);
  EXPECT_EQ(block->fraction_lost, 2 * 256 / 10);
  EXPECT_EQ(block->highest_sequence, 65536u + 3);  // one cycle
  EXPECT_EQ(block->last_sr, 0u);
  // The next interval: 4 more, none lost; a late retransmission of 65533 counts as received.
  for (std::uint16_t q = 4; q < 8; ++q) s.on_packet(q, q * 3000u, t0);
  s.on_packet(65533, 0, t0);
  const auto next = s.report_block(0x42, t0);
  EXPECT_EQ(next->fraction_lost, 0);
  EXPECT_EQ(next->cumulative_lost, 1);
  // A burst: 8..19 lost, 20 arrives: 13 expected in the interval, 1 received.
  s.on_packet(20, 0, t0);
  EXPECT_EQ(s.report_block(0x42, t0)->fraction_lost, 256 * 12 / 13);
  EXPECT_EQ(s.report_block(0x42, t0)->fraction_lost, 0);  // an empty interval
}

TEST(ReceiveStats, JitterFollowsArrivalVariation) {
  ReceiveStats steady(90000);
  ReceiveStats shaky(90000);
  for (int i = 0; i < 200; ++i) {
    const auto ts = static_cast<std::uint32_t>(i * 3000);  // 30 fps
    steady.on_packet(static_cast<std::uint16_t>(i), ts, t0 + i * 33333us);
    const auto wobble = (i % 2 == 0) ? 0us : 10000us;  // every other frame 10 ms late
    shaky.on_packet(static_cast<std::uint16_t>(i), ts, t0 + i * 33333us + wobble);
  }
  EXPECT_LE(steady.jitter(), 5u);
  // |D| alternates at 900 units (10 ms at 90 kHz): the estimate converges to about 900.
  EXPECT_GT(shaky.jitter(), 800u);
  EXPECT_LT(shaky.jitter(), 950u);
}

TEST(ReceiveStats, LastSrAndDelay) {
  ReceiveStats s(48000);
  s.on_packet(1, 0, t0);
  const std::uint64_t ntp = (std::uint64_t{0x12345678} << 32) | 0x9ABCDEF0;
  s.on_sender_report(ntp, t0 + 1s);
  const auto block = s.report_block(1, t0 + 1500ms);
  EXPECT_EQ(block->last_sr, 0x56789ABCu);
  EXPECT_EQ(block->delay_since_sr, 0x8000u);  // 0.5 s in 1/65536 s
}

TEST(NtpTime, ConversionsAndRtt) {
  const auto unix_epoch = std::chrono::system_clock::time_point{};
  EXPECT_EQ(to_ntp(unix_epoch), kNtpUnixOffset << 32);
  EXPECT_EQ(to_ntp(unix_epoch + 500ms), (kNtpUnixOffset << 32) | 0x80000000u);
  EXPECT_EQ(ntp_middle32(0x1122334455667788ull), 0x33445566u);
  EXPECT_EQ(to_ntp_short(1s), 0x10000u);
  EXPECT_EQ(to_ntp_short(-1s), 0u);
  // Sent SR at middle32 0x10000 (1 s), the peer held it 0.25 s, the report came at 1.5 s.
  EXPECT_EQ(rtt_from_report(0x10000, 0x4000, 0x18000), std::chrono::microseconds(250000));
  EXPECT_FALSE(rtt_from_report(0, 0, 0x18000));
  EXPECT_FALSE(rtt_from_report(0x10000, 0x10000, 0x18000));  // negative
}

}  // namespace
}  // namespace confab::sfu
