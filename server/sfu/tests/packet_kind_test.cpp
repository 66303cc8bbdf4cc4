#include "sfu/packet_kind.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace confab::sfu {
namespace {

std::vector<std::uint8_t> bytes(std::size_t n, std::uint8_t first, std::uint8_t second = 0) {
  std::vector<std::uint8_t> v(n, 0);
  if (n > 0) v[0] = first;
  if (n > 1) v[1] = second;
  return v;
}

TEST(PacketKind, Rfc7983Ranges) {
  auto stun = bytes(20, 0x00, 0x01);
  stun[4] = 0x21;
  stun[5] = 0x12;
  stun[6] = 0xa4;
  stun[7] = 0x42;
  EXPECT_EQ(classify(stun), PacketKind::Stun);
  stun[0] = 0x01;
  EXPECT_EQ(classify(stun), PacketKind::Stun);
  stun[7] = 0x43;  // no magic cookie: an RFC 3489 or garbage packet
  EXPECT_EQ(classify(stun), PacketKind::Unknown);
  EXPECT_EQ(classify(bytes(13, 22)), PacketKind::Dtls);  // handshake record
  EXPECT_EQ(classify(bytes(13, 20)), PacketKind::Dtls);
  EXPECT_EQ(classify(bytes(13, 63)), PacketKind::Dtls);
  EXPECT_EQ(classify(bytes(12, 0x80, 96)), PacketKind::Rtp);
  EXPECT_EQ(classify(bytes(12, 0x90, 0x80 | 111)), PacketKind::Rtp);  // marker set, PT 111
  EXPECT_EQ(classify(bytes(12, 0x80, 127)), PacketKind::Rtp);
  EXPECT_EQ(classify(bytes(8, 0x81, 200)), PacketKind::Rtcp);
  EXPECT_EQ(classify(bytes(8, 0x81, 192)), PacketKind::Rtcp);
  EXPECT_EQ(classify(bytes(8, 0x81, 223)), PacketKind::Rtcp);
  EXPECT_EQ(classify(bytes(12, 0x80, 224)), PacketKind::Rtp);  // marker + PT 96
  EXPECT_EQ(classify(bytes(12, 0x80, 191)), PacketKind::Rtp);  // marker + PT 63
}

TEST(PacketKind, OthersAndRuntsAreUnknown) {
  EXPECT_EQ(classify({}), PacketKind::Unknown);
  EXPECT_EQ(classify(bytes(19, 0x00)), PacketKind::Unknown);  // short STUN
  EXPECT_EQ(classify(bytes(12, 4)), PacketKind::Unknown);
  EXPECT_EQ(classify(bytes(12, 16)), PacketKind::Unknown);  // ZRTP
  EXPECT_EQ(classify(bytes(12, 19)), PacketKind::Unknown);
  EXPECT_EQ(classify(bytes(12, 22)), PacketKind::Unknown);  // short DTLS
  EXPECT_EQ(classify(bytes(12, 64)), PacketKind::Unknown);  // TURN channel
  EXPECT_EQ(classify(bytes(12, 127)), PacketKind::Unknown);
  EXPECT_EQ(classify(bytes(11, 0x80, 96)), PacketKind::Unknown);  // short RTP
  EXPECT_EQ(classify(bytes(7, 0x80, 200)), PacketKind::Unknown);  // short RTCP
  EXPECT_EQ(classify(bytes(12, 192)), PacketKind::Unknown);       // version 3
  EXPECT_EQ(classify(bytes(12, 0x40)), PacketKind::Unknown);      // version 1
  EXPECT_STREQ(to_string(PacketKind::Rtcp), "rtcp");
}

}  // namespace
}  // namespace confab::sfu
