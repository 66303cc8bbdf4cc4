#include "engineio/packet.hpp"

#include <gtest/gtest.h>

#include "http/message.hpp"

namespace confab::engineio {
namespace {

TEST(Packet, EveryTypeRoundTripsAsText) {
  for (char c = '0'; c <= '6'; ++c) {
    const std::string frame = std::string(1, c) + "data";
    auto p = decode_text(frame);
    ASSERT_TRUE(p) << frame;
    EXPECT_EQ(static_cast<char>(p->type), c);
    EXPECT_EQ(p->data, "data");
    EXPECT_EQ(encode_text(*p), frame);
  }
}

TEST(Packet, RejectsUnknownTypeAndEmptyFrame) {
  EXPECT_FALSE(decode_text(""));
  EXPECT_FALSE(decode_text("7"));
  EXPECT_FALSE(decode_text("abc"));
  EXPECT_FALSE(decode_text("/0"));
}

TEST(Payload, DecodesSeveralRecordsAndBinary) {
  auto packets = decode_payload(
      "4hello\x1e"
      "bAQIDBA==\x1e"
      "2probe\x1e"
      "6");
  ASSERT_TRUE(packets);
  ASSERT_EQ(packets->size(), 4u);
  EXPECT_EQ((*packets)[0], Packet::text("hello"));
  EXPECT_EQ((*packets)[1], Packet::bytes(std::string("\x01\x02\x03\x04", 4)));
  EXPECT_EQ((*packets)[2], Packet::of(PacketType::ping, "probe"));
  EXPECT_EQ((*packets)[3], Packet::of(PacketType::noop));
}

TEST(Payload, EncodesBinaryAsBase64AndJoinsWithRecordSeparator) {
  EXPECT_EQ(
      encode_payload({Packet::text("hello"), Packet::bytes(std::string("\x01\x02\x03\x04", 4))}),
      "4hello\x1e"
      "bAQIDBA==");
  EXPECT_EQ(encode_payload({Packet::of(PacketType::close)}), "1");
}

TEST(Payload, RejectsMalformedBodies) {
  EXPECT_FALSE(decode_payload(""));
  EXPECT_FALSE(decode_payload("abc"));
  EXPECT_FALSE(decode_payload("4ok\x1e"));  // empty trailing record
  EXPECT_FALSE(
      decode_payload("\x1e"
                     "4ok"));  // empty leading record
  EXPECT_FALSE(
      decode_payload("4ok\x1e"
                     "9"));                // unknown type
  EXPECT_FALSE(decode_payload("b!!!!"));   // not base64
  EXPECT_FALSE(decode_payload("bAQIDB"));  // not a multiple of 4
  EXPECT_FALSE(decode_payload("bA=QI"));   // padding inside
  EXPECT_FALSE(decode_payload("bAQ ID"));  // whitespace
  EXPECT_FALSE(decode_payload("bAR=="));   // non-canonical padding bits
}

}  // namespace
}  // namespace confab::engineio
