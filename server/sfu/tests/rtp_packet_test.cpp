#include "sfu/rtp_packet.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <vector>

namespace confab::sfu {
namespace {

using Bytes = std::vector<std::uint8_t>;

// V=2, PT 96, seq 0x1234, ts 0x01020304, SSRC 0xAABBCCDD, then `rest`.
Bytes header(std::uint8_t first, const Bytes& rest) {
  const std::array<std::uint8_t, 12> fixed = {first, 96, 0x12, 0x34, 1,    2,
                                              3,     4,  0xAA, 0xBB, 0xCC, 0xDD};
  Bytes b(fixed.size() + rest.size());
  std::copy(fixed.begin(), fixed.end(), b.begin());
  std::copy(rest.begin(), rest.end(), b.begin() + fixed.size());
  return b;
}

Bytes payload_of(const RtpPacket& p) {
  return Bytes(p.payload().begin(), p.payload().end());
}

TEST(RtpPacket, PlainHeaderAndSetters) {
  Bytes b = header(0x80, {9, 8, 7});
  auto p = RtpPacket::parse(b);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->payload_type(), 96);
  EXPECT_FALSE(p->marker());
  EXPECT_EQ(p->sequence(), 0x1234);
  EXPECT_EQ(p->timestamp(), 0x01020304u);
  EXPECT_EQ(p->ssrc(), 0xAABBCCDDu);
  EXPECT_EQ(p->header_size(), 12u);
  EXPECT_EQ(payload_of(*p), (Bytes{9, 8, 7}));
  EXPECT_FALSE(p->has_extensions());
  EXPECT_FALSE(p->extension(1));

  p->set_payload_type(111);
  p->set_marker(true);
  p->set_sequence(0xFFFF);
  p->set_timestamp(0xDEADBEEF);
  p->set_ssrc(7);
  EXPECT_EQ(b[1], 0x80 | 111);
  EXPECT_EQ(p->payload_type(), 111);
  EXPECT_TRUE(p->marker());
  p->set_payload_type(0xFF);  // only 7 bits are the type: the marker stays
  EXPECT_TRUE(p->marker());
  EXPECT_EQ(p->payload_type(), 127);
  const auto again = RtpPacket::parse(b);
  EXPECT_EQ(again->sequence(), 0xFFFF);
  EXPECT_EQ(again->timestamp(), 0xDEADBEEFu);
  EXPECT_EQ(again->ssrc(), 7u);
  EXPECT_EQ(payload_of(*again), (Bytes{9, 8, 7}));
}

TEST(RtpPacket, CsrcsAndPadding) {
  // CC=2, P=1: two CSRCs, payload 5 6, then 3 bytes of padding (count in the last one).
  Bytes b = header(0xA2, {0, 0, 0, 1, 0, 0, 0, 2, 5, 6, 0, 0, 3});
  const auto p = RtpPacket::parse(b);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->csrc_count(), 2u);
  EXPECT_EQ(p->csrc(0), 1u);
  EXPECT_EQ(p->csrc(1), 2u);
  EXPECT_EQ(p->csrc(2), 0u);
  EXPECT_EQ(p->header_size(), 20u);
  EXPECT_TRUE(p->has_padding());
  EXPECT_EQ(p->padding_size(), 3u);
  EXPECT_EQ(payload_of(*p), (Bytes{5, 6}));
  // Padding filling everything after the header: an empty payload is fine.
  Bytes only = header(0xA0, {0, 0, 0, 4});
  ASSERT_TRUE(RtpPacket::parse(only));
  EXPECT_TRUE(RtpPacket::parse(only)->payload().empty());
}

TEST(RtpPacket, MalformedRefused) {
  for (std::size_t n = 0; n < 12; ++n) {
    Bytes b = header(0x80, {});
    b.resize(n);
    EXPECT_FALSE(RtpPacket::parse(b)) << n;
  }
  Bytes v1 = header(0x40, {1});
  EXPECT_FALSE(RtpPacket::parse(v1));
  Bytes v3 = header(0xC0, {1});
  EXPECT_FALSE(RtpPacket::parse(v3));
  Bytes csrc_overflow = header(0x82, {0, 0, 0, 1, 0, 0, 0});  // 2 CSRCs, 7 bytes
  EXPECT_FALSE(RtpPacket::parse(csrc_overflow));
  Bytes zero_padding = header(0xA0, {1, 2, 0});
  EXPECT_FALSE(RtpPacket::parse(zero_padding));
  Bytes padding_overflow = header(0xA0, {1, 2, 4});  // 4 > the 3 bytes after the header
  EXPECT_FALSE(RtpPacket::parse(padding_overflow));
  Bytes ext_header_cut = header(0x90, {0xBE, 0xDE, 0});
  EXPECT_FALSE(RtpPacket::parse(ext_header_cut));
  Bytes ext_overflow = header(0x90, {0xBE, 0xDE, 0, 2, 0x10, 1, 0, 0});  // 2 words, 1 given
  EXPECT_FALSE(RtpPacket::parse(ext_overflow));
  // Extension block and padding overlapping.
  Bytes overlap = header(0xB0, {0xBE, 0xDE, 0, 1, 0x10, 1, 0, 2});
  EXPECT_FALSE(RtpPacket::parse(overlap));
}

// One-byte form (RFC 8285 4.2): id 1 = 1 byte (0x5A), a padding byte, id 3 = 2 bytes, id 14 = 4
// bytes. 1+1 + 1 + 1+2 + 1+4 = 11 bytes, padded to 12.
Bytes one_byte_packet() {
  return header(0x90, {0xBE, 0xDE, 0, 3, 0x10, 0x5A, 0x00, 0x31, 0xAA, 0xBB, 0xE3, 1, 2, 3, 4, 0x00,
                       0xF0, 0x0D});
}

TEST(RtpPacket, OneByteExtensions) {
  Bytes b = one_byte_packet();
  const auto p = RtpPacket::parse(b);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->extension_profile(), 0xBEDE);
  EXPECT_EQ(p->header_size(), 28u);
  EXPECT_EQ(payload_of(*p), (Bytes{0xF0, 0x0D}));
  const auto e1 = p->extension(1);
  ASSERT_TRUE(e1);
  EXPECT_EQ(Bytes(e1->begin(), e1->end()), (Bytes{0x5A}));
  const auto e3 = p->extension(3);
  ASSERT_TRUE(e3);
  EXPECT_EQ(Bytes(e3->begin(), e3->end()), (Bytes{0xAA, 0xBB}));
  const auto e14 = p->extension(14);
  ASSERT_TRUE(e14);
  EXPECT_EQ(Bytes(e14->begin(), e14->end()), (Bytes{1, 2, 3, 4}));
  EXPECT_FALSE(p->extension(2));
  EXPECT_FALSE(p->extension(0));
  EXPECT_FALSE(p->extension(15));
  // Audio level (RFC 6464) from id 1: V=0, level 0x5A.
  const auto level = p->audio_level(1);
  ASSERT_TRUE(level);
  EXPECT_FALSE(level->first);
  EXPECT_EQ(level->second, 0x5A);
  EXPECT_FALSE(p->audio_level(2));
}

TEST(RtpPacket, OneByteStopsAtReservedIdAndAtOverflow) {
  // id 15 ends the walk; what follows is not read.
  Bytes reserved = header(0x90, {0xBE, 0xDE, 0, 1, 0x10, 7, 0xF0, 0x20});
  auto p = RtpPacket::parse(reserved);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->extension(1));
  EXPECT_FALSE(p->extension(2));
  // An element claiming more than the block holds: the walk ends there, the packet parses.
  Bytes overflow = header(0x90, {0xBE, 0xDE, 0, 1, 0x10, 7, 0x23, 1});
  p = RtpPacket::parse(overflow);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->extension(1));
  EXPECT_FALSE(p->extension(2));
}

// Two-byte form (RFC 8285 4.3): id 1 = 0 bytes, id 200 = 3 bytes, padding, id 2 = 1 byte.
Bytes two_byte_packet() {
  return header(0x90, {0x10, 0x00, 0, 3, 1, 0, 200, 3, 7, 8, 9, 0, 2, 1, 0x42, 0, 0xEE});
}

TEST(RtpPacket, TwoByteExtensions) {
  Bytes b = two_byte_packet();
  const auto p = RtpPacket::parse(b);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->extension_profile(), 0x1000);
  const auto e1 = p->extension(1);
  ASSERT_TRUE(e1);
  EXPECT_TRUE(e1->empty());
  const auto e200 = p->extension(200);
  ASSERT_TRUE(e200);
  EXPECT_EQ(Bytes(e200->begin(), e200->end()), (Bytes{7, 8, 9}));
  const auto e2 = p->extension(2);
  ASSERT_TRUE(e2);
  EXPECT_EQ(Bytes(e2->begin(), e2->end()), (Bytes{0x42}));
  EXPECT_EQ(payload_of(*p), (Bytes{0xEE}));
  // Another application-bits value of the 0x100X profile is the same form.
  b[12 + 1] = 0x05;
  EXPECT_TRUE(RtpPacket::parse(b)->extension(200));
}

TEST(RtpPacket, OneByteIdZeroIsAlwaysOnePaddingByte) {
  // 0x02 has id 0 and a length nibble of 2: skipped as a single byte, then id 1 follows.
  Bytes b = header(0x90, {0xBE, 0xDE, 0, 1, 0x02, 0x10, 0x77, 0, 0xEE});
  auto p = RtpPacket::parse(b);
  ASSERT_TRUE(p);
  const auto e1 = p->extension(1);
  ASSERT_TRUE(e1);
  EXPECT_EQ(Bytes(e1->begin(), e1->end()), (Bytes{0x77}));
  auto map = identity_extension_map();
  map[0] = 0;
  p->remap_extension_ids(map);
  EXPECT_EQ(b[16], 0x02);  // left alone: it is not an element
}

TEST(RtpPacket, UnknownProfileIsNotRead) {
  Bytes b = header(0x90, {0x12, 0x34, 0, 1, 0x10, 7, 0, 0, 0xEE});
  const auto p = RtpPacket::parse(b);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->extension_profile(), 0x1234);
  EXPECT_FALSE(p->extension(1));
  EXPECT_EQ(payload_of(*p), (Bytes{0xEE}));
}

TEST(RtpPacket, RemapOneByte) {
  Bytes b = one_byte_packet();
  auto p = RtpPacket::parse(b);
  auto map = identity_extension_map();
  map[1] = 5;    // moved
  map[3] = 0;    // removed
  map[14] = 20;  // cannot be expressed in one byte: removed
  p->remap_extension_ids(map);
  const auto again = RtpPacket::parse(b);
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->extension(1));
  const auto e5 = again->extension(5);
  ASSERT_TRUE(e5);
  EXPECT_EQ(Bytes(e5->begin(), e5->end()), (Bytes{0x5A}));
  EXPECT_FALSE(again->extension(3));
  EXPECT_FALSE(again->extension(14));
  EXPECT_EQ(payload_of(*again), (Bytes{0xF0, 0x0D}));
  EXPECT_EQ(again->size(), one_byte_packet().size());
  // The removed elements are zero bytes now.
  EXPECT_EQ(b[19], 0);
  EXPECT_EQ(b[20], 0);
  EXPECT_EQ(b[21], 0);
}

TEST(RtpPacket, RemapTwoByteAndIdentity) {
  Bytes b = two_byte_packet();
  auto p = RtpPacket::parse(b);
  p->remap_extension_ids(identity_extension_map());
  EXPECT_EQ(b, two_byte_packet());
  auto map = identity_extension_map();
  map[200] = 100;
  map[2] = 0;
  p->remap_extension_ids(map);
  const auto again = RtpPacket::parse(b);
  EXPECT_FALSE(again->extension(200));
  ASSERT_TRUE(again->extension(100));
  EXPECT_EQ(again->extension(100)->size(), 3u);
  EXPECT_FALSE(again->extension(2));
  EXPECT_TRUE(again->extension(1));
}

TEST(RtpPacket, MutableExtensionWritesInPlace) {
  Bytes b = one_byte_packet();
  auto p = RtpPacket::parse(b);
  auto e3 = p->mutable_extension(3);
  ASSERT_TRUE(e3);
  (*e3)[0] = 0x01;
  (*e3)[1] = 0x02;
  EXPECT_EQ(b[20], 0x01);
  EXPECT_EQ(b[21], 0x02);
  EXPECT_FALSE(p->mutable_extension(4));
}

TEST(RtpPacket, AudioLevelVoiceBit) {
  Bytes b = header(0x90, {0xBE, 0xDE, 0, 1, 0x10, 0x80 | 30, 0, 0, 1});
  const auto level = RtpPacket::parse(b)->audio_level(1);
  ASSERT_TRUE(level);
  EXPECT_TRUE(level->first);
  EXPECT_EQ(level->second, 30);
}

}  // namespace
}  // namespace confab::sfu
