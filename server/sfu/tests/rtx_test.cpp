#include "sfu/rtx.hpp"

#include <gtest/gtest.h>

#include "sfu/rtp_packet.hpp"

namespace confab::sfu {
namespace {

std::vector<std::uint8_t> packet_with_payload(std::vector<std::uint8_t> payload) {
  std::vector<std::uint8_t> p(12 + payload.size());
  const std::uint8_t header[12] = {0x80, 96, 0x12, 0x34, 0, 0, 0x10, 0, 0, 0, 0x04, 0x57};
  std::copy(std::begin(header), std::end(header), p.begin());
  std::copy(payload.begin(), payload.end(), p.begin() + 12);
  return p;
}

TEST(Rtx, WrapThenUnwrapGivesTheOriginalBack) {
  auto original = packet_with_payload({1, 2, 3, 4, 5});
  std::vector<std::uint8_t> buffer(original.size() + 2);
  std::copy(original.begin(), original.end(), buffer.begin());
  std::size_t len = original.size();
  ASSERT_TRUE(wrap_rtx(buffer, len, 9999, 97, 7));
  EXPECT_EQ(len, original.size() + 2);
  auto rtx = RtpPacket::parse(std::span(buffer).first(len));
  ASSERT_TRUE(rtx);
  EXPECT_EQ(rtx->ssrc(), 9999u);
  EXPECT_EQ(rtx->payload_type(), 97);
  EXPECT_EQ(rtx->sequence(), 7);
  EXPECT_EQ(rtx->payload()[0], 0x12);  // the original sequence number leads
  EXPECT_EQ(rtx->payload()[1], 0x34);

  ASSERT_TRUE(unwrap_rtx(buffer, len, 1111, 96));
  EXPECT_EQ(len, original.size());
  auto back = RtpPacket::parse(std::span(buffer).first(len));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->ssrc(), 1111u);
  EXPECT_EQ(back->sequence(), 0x1234);
  EXPECT_EQ(std::vector<std::uint8_t>(back->payload().begin(), back->payload().end()),
            (std::vector<std::uint8_t>{1, 2, 3, 4, 5}));
}

TEST(Rtx, WrapNeedsRoomAndUnwrapNeedsAnOsn) {
  auto original = packet_with_payload({1});
  std::size_t len = original.size();
  EXPECT_FALSE(wrap_rtx(original, len, 1, 97, 1)) << "no room for the OSN";
  auto empty = packet_with_payload({7});
  len = empty.size();
  EXPECT_FALSE(unwrap_rtx(empty, len, 1, 96)) << "one byte is no OSN";
}

}  // namespace
}  // namespace confab::sfu
