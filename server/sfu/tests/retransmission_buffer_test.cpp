#include "sfu/retransmission_buffer.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

namespace confab::sfu {
namespace {

using namespace std::chrono_literals;
using Clock = RetransmissionBuffer::Clock;
using Bytes = std::vector<std::uint8_t>;

Bytes packet(std::uint16_t seq, std::size_t size = 100) {
  Bytes b(size, static_cast<std::uint8_t>(seq));
  b[0] = static_cast<std::uint8_t>(seq >> 8);
  return b;
}

bool holds(const RetransmissionBuffer& b, std::uint16_t seq, Clock::time_point now) {
  const auto got = b.get(seq, now);
  return got && Bytes(got->begin(), got->end()) == packet(seq);
}

const Clock::time_point t0{};

TEST(RetransmissionBuffer, StoresAndReturnsAcrossWrap) {
  RetransmissionBuffer b(16, 1500, 1s);
  for (std::uint32_t s = 65530; s < 65536 + 6; ++s) {
    ASSERT_TRUE(b.store(static_cast<std::uint16_t>(s), packet(static_cast<std::uint16_t>(s)), t0));
  }
  for (std::uint32_t s = 65530; s < 65536 + 6; ++s) {
    EXPECT_TRUE(holds(b, static_cast<std::uint16_t>(s), t0)) << s;
  }
  EXPECT_FALSE(b.get(6, t0));      // not stored (newer than the newest)
  EXPECT_FALSE(b.get(65529, t0));  // never stored
}

TEST(RetransmissionBuffer, OverwritesTheOldestLap) {
  RetransmissionBuffer b(16, 1500, 1s);
  for (std::uint16_t s = 0; s < 40; ++s) b.store(s, packet(s), t0);
  for (std::uint16_t s = 0; s < 24; ++s) EXPECT_FALSE(b.get(s, t0)) << s;
  for (std::uint16_t s = 24; s < 40; ++s) EXPECT_TRUE(holds(b, s, t0)) << s;
  // A late packet from beyond the window would evict a newer one: refused.
  EXPECT_FALSE(b.store(20, packet(20), t0));
  EXPECT_TRUE(holds(b, 36, t0));
  // A late one inside the window is taken.
  RetransmissionBuffer gaps(16, 1500, 1s);
  gaps.store(10, packet(10), t0);
  gaps.store(12, packet(12), t0);
  EXPECT_TRUE(gaps.store(11, packet(11), t0));
  EXPECT_TRUE(holds(gaps, 11, t0));
  EXPECT_TRUE(holds(gaps, 12, t0));
}

TEST(RetransmissionBuffer, SkippedSlotsDoNotReturnStalePackets) {
  RetransmissionBuffer b(16, 1500, 1s);
  b.store(1, packet(1), t0);
  b.store(20, packet(20), t0);  // 17..19 never arrived; slot of 17 is the one of 1
  EXPECT_FALSE(b.get(17, t0));
  EXPECT_FALSE(b.get(1, t0));  // outside the window now
  EXPECT_TRUE(holds(b, 20, t0));
}

TEST(RetransmissionBuffer, MaxAge) {
  RetransmissionBuffer b(16, 1500, 500ms);
  b.store(1, packet(1), t0);
  b.store(2, packet(2), t0 + 400ms);
  EXPECT_TRUE(holds(b, 1, t0 + 500ms));
  EXPECT_FALSE(b.get(1, t0 + 501ms));
  EXPECT_TRUE(holds(b, 2, t0 + 900ms));
}

TEST(RetransmissionBuffer, SizeLimitRestartAndClear) {
  RetransmissionBuffer b(16, 200, 1s);
  EXPECT_FALSE(b.store(1, Bytes(201, 0), t0));
  EXPECT_TRUE(b.store(1, Bytes(200, 0), t0));
  EXPECT_EQ(b.get(1, t0)->size(), 200u);
  // A jump of more than a quarter of the sequence space backwards: a restart, not a late packet.
  EXPECT_TRUE(b.store(40000, packet(40000), t0));
  EXPECT_TRUE(b.store(20000, packet(20000), t0));
  EXPECT_TRUE(holds(b, 20000, t0));
  EXPECT_FALSE(b.get(40000, t0));
  b.clear();
  EXPECT_FALSE(b.get(20000, t0));
  EXPECT_TRUE(b.store(5, packet(5), t0));
  EXPECT_TRUE(holds(b, 5, t0));
}

TEST(RetransmissionBuffer, NoAllocationAfterWarmUp) {
  RetransmissionBuffer b(16, 1500, 1s);
  for (std::uint16_t s = 0; s < 16; ++s) b.store(s, packet(s, 1500), t0);
  std::vector<const std::uint8_t*> where;
  for (std::uint16_t s = 0; s < 16; ++s) where.push_back(b.get(s, t0)->data());
  for (std::uint16_t s = 16; s < 32; ++s) b.store(s, packet(s, 50 + s), t0);
  for (std::uint16_t s = 16; s < 32; ++s) EXPECT_EQ(b.get(s, t0)->data(), where[s - 16]);
}

TEST(RetransmissionBuffer, SlotsMustBeAPowerOfTwo) {
  EXPECT_THROW(RetransmissionBuffer(1000), std::invalid_argument);
  EXPECT_THROW(RetransmissionBuffer(0), std::invalid_argument);
  EXPECT_THROW(RetransmissionBuffer(16384), std::invalid_argument);
  EXPECT_NO_THROW(RetransmissionBuffer(1024));
}

}  // namespace
}  // namespace confab::sfu
