#include "sfu/rtx.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace confab::sfu {
namespace {

using Bytes = std::vector<std::uint8_t>;

// PT 96, seq 0x1234, ts 1000, SSRC 0x11111111, one-byte extension id 1, payload 1 2 3.
Bytes original() {
  return {0x90, 96,   0x12, 0x34, 0,    0,    0x03, 0xE8, 0x11, 0x11, 0x11, 0x11,
          0xBE, 0xDE, 0,    1,    0x10, 0x77, 0,    0,    1,    2,    3};
}

TEST(Rtx, EncodeThenDecodeRestoresThePacket) {
  Bytes buffer = original();
  buffer.resize(buffer.size() + 2);
  const auto rtx_size = rtx_encode(buffer, original().size(), 97, 0x22222222, 7);
  ASSERT_EQ(rtx_size, original().size() + 2);
  const auto rtx = RtpPacket::parse(std::span(buffer).first(*rtx_size));
  ASSERT_TRUE(rtx);
  EXPECT_EQ(rtx->payload_type(), 97);
  EXPECT_EQ(rtx->ssrc(), 0x22222222u);
  EXPECT_EQ(rtx->sequence(), 7);
  EXPECT_EQ(rtx->timestamp(), 1000u);
  EXPECT_EQ(rtx_original_sequence(*rtx), 0x1234);
  EXPECT_EQ(Bytes(rtx->payload().begin(), rtx->payload().end()), (Bytes{0x12, 0x34, 1, 2, 3}));
  EXPECT_TRUE(rtx->extension(1));

  const auto size = rtx_decode(buffer, *rtx_size, 96, 0x11111111);
  ASSERT_EQ(size, original().size());
  EXPECT_EQ(Bytes(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(*size)), original());
}

TEST(Rtx, PaddingIsDroppedAndProbesRefused) {
  // An RTX packet with OSN 5, payload 9, and 2 bytes of padding.
  Bytes rtx = {0xA0, 97, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 5, 9, 0, 2};
  const auto size = rtx_decode(rtx, rtx.size(), 96, 3);
  ASSERT_EQ(size, 13u);
  const auto p = RtpPacket::parse(std::span(rtx).first(*size));
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->has_padding());
  EXPECT_EQ(p->sequence(), 5);
  EXPECT_EQ(p->ssrc(), 3u);
  EXPECT_EQ(p->payload_type(), 96);
  EXPECT_EQ(Bytes(p->payload().begin(), p->payload().end()), Bytes{9});
  // A padding-only probe on the RTX stream has no OSN.
  Bytes probe = {0xA0, 97, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 4};
  EXPECT_FALSE(rtx_original_sequence(*RtpPacket::parse(probe)));
  EXPECT_FALSE(rtx_decode(probe, probe.size(), 96, 3));
}

TEST(Rtx, NoRoomOrNotRtp) {
  Bytes buffer = original();
  EXPECT_FALSE(rtx_encode(buffer, buffer.size(), 97, 1, 1));  // no 2 spare bytes
  EXPECT_EQ(buffer, original());
  Bytes junk = {1, 2, 3};
  EXPECT_FALSE(rtx_encode(junk, junk.size(), 97, 1, 1));
  EXPECT_FALSE(rtx_decode(junk, junk.size(), 96, 1));
  EXPECT_FALSE(rtx_decode(junk, 10, 96, 1));  // size beyond the buffer
}

}  // namespace
}  // namespace confab::sfu
