#include "sfu/seq_math.hpp"

#include <gtest/gtest.h>

#include <cstdint>

#include "sfu/transport_address.hpp"

namespace confab::sfu {
namespace {

TEST(SeqMath, SixteenBitWrap) {
  EXPECT_TRUE(is_newer<std::uint16_t>(1, 0));
  EXPECT_FALSE(is_newer<std::uint16_t>(0, 1));
  EXPECT_TRUE(is_newer<std::uint16_t>(0, 65535));
  EXPECT_TRUE(is_newer<std::uint16_t>(10, 65530));
  EXPECT_TRUE(is_older<std::uint16_t>(65530, 10));
  EXPECT_FALSE(is_newer<std::uint16_t>(5, 5));
  EXPECT_TRUE(is_newer_or_equal<std::uint16_t>(5, 5));
  EXPECT_TRUE(is_newer<std::uint16_t>(0x7FFF, 0));
  // Exactly half-way: neither newer nor older, either way round.
  EXPECT_FALSE(is_newer<std::uint16_t>(0x8000, 0));
  EXPECT_FALSE(is_newer<std::uint16_t>(0, 0x8000));
  EXPECT_FALSE(is_older<std::uint16_t>(0x8000, 0));
  EXPECT_EQ(seq_diff<std::uint16_t>(2, 65534), 4);
  EXPECT_EQ(seq_diff<std::uint16_t>(65534, 2), -4);
}

TEST(SeqMath, ThirtyTwoBitWrap) {
  EXPECT_TRUE(is_newer<std::uint32_t>(100, 0xFFFFFF00u));
  EXPECT_TRUE(is_older<std::uint32_t>(0xFFFFFF00u, 100));
  EXPECT_EQ(seq_diff<std::uint32_t>(100, 0xFFFFFF00u), 356);
  EXPECT_FALSE(is_newer<std::uint32_t>(0x80000000u, 0));
}

TEST(SeqUnwrapper, ExtendsAcrossWraps) {
  SeqUnwrapper u;
  EXPECT_EQ(u.unwrap(65534), 65534);
  EXPECT_EQ(u.unwrap(65535), 65535);
  EXPECT_EQ(u.unwrap(0), 65536);
  EXPECT_EQ(u.unwrap(65533), 65533);  // late, older: does not move the reference
  EXPECT_EQ(u.newest(), 65536);
  EXPECT_EQ(u.unwrap(3), 65539);
  // Three full laps in steps just under half the space.
  std::uint16_t s = 3;
  std::int64_t expected = 65539;
  for (int i = 0; i < 6 * 2; ++i) {
    s = static_cast<std::uint16_t>(s + 0x7FFF);
    expected += 0x7FFF;
    EXPECT_EQ(u.unwrap(s), expected);
  }
  EXPECT_EQ(u.peek(static_cast<std::uint16_t>(s + 1)), expected + 1);
  EXPECT_EQ(u.newest(), expected);
}

TEST(TransportAddress, ParsePrintHashEquality) {
  const auto a = TransportAddress::parse("10.0.0.1:5000");
  ASSERT_TRUE(a);
  EXPECT_FALSE(a->v6);
  EXPECT_EQ(a->port, 5000);
  EXPECT_EQ(a->to_string(), "10.0.0.1:5000");
  const auto b = TransportAddress::parse("[::1]:443");
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->v6);
  EXPECT_EQ(b->ip[15], 1);
  EXPECT_EQ(b->to_string(), "[::1]:443");
  EXPECT_EQ(*a, TransportAddress::v4_from({10, 0, 0, 1}, 5000));
  EXPECT_NE(*a, TransportAddress::v4_from({10, 0, 0, 1}, 5001));
  EXPECT_EQ(a->hash(), TransportAddress::v4_from({10, 0, 0, 1}, 5000).hash());
  EXPECT_NE(a->hash(), TransportAddress::v4_from({10, 0, 0, 2}, 5000).hash());
  EXPECT_EQ(std::hash<TransportAddress>{}(*b), b->hash());
  for (const char* bad : {"", "1.2.3.4", "1.2.3.4:", "1.2.3.4:65536", "1.2.3:80", "::1:80",
                          "[1.2.3.4]:80", "[::1]:x", "a.b.c.d:1"}) {
    EXPECT_FALSE(TransportAddress::parse(bad)) << bad;
  }
}

}  // namespace
}  // namespace confab::sfu
