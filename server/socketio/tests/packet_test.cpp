#include "socketio/packet.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

namespace confab::socketio {
namespace {

using nlohmann::json;

Packet decode_one(std::string_view text) {
  Decoder decoder;
  auto result = decoder.on_text(text);
  EXPECT_TRUE(result.error.empty()) << text << ": " << result.error;
  EXPECT_TRUE(result.packet) << text;
  return result.packet.value_or(Packet{});
}

std::string error_of(std::string_view text) {
  Decoder decoder;
  return decoder.on_text(text).error;
}

TEST(SioPacket, EncodesEveryType) {
  EXPECT_EQ(encode({PacketType::connect, "/", {}, json{{"sid", "x"}}}).text, R"(0{"sid":"x"})");
  EXPECT_EQ(encode({PacketType::connect, "/admin", {}, json{{"sid", "x"}}}).text,
            R"(0/admin,{"sid":"x"})");
  EXPECT_EQ(encode({PacketType::disconnect, "/admin", {}, {}}).text, "1/admin,");
  EXPECT_EQ(encode({PacketType::disconnect, "/", {}, {}}).text, "1");
  EXPECT_EQ(encode({PacketType::event, "/", {}, json::array({"hello", 1})}).text,
            R"(2["hello",1])");
  EXPECT_EQ(encode({PacketType::event, "/admin", 12, json::array({"a"})}).text,
            R"(2/admin,12["a"])");
  EXPECT_EQ(encode({PacketType::ack, "/", 13, json::array({"b"})}).text, R"(313["b"])");
  EXPECT_EQ(encode({PacketType::connect_error, "/", {}, json{{"message", "no"}}}).text,
            R"(4{"message":"no"})");
}

TEST(SioPacket, BinaryValuesBecomeAttachments) {
  json data = json::array({"file", json::binary({1, 2, 3}), json{{"x", json::binary({4})}}});
  Encoded e = encode({PacketType::event, "/", {}, data});
  EXPECT_EQ(e.text,
            R"(52-["file",{"_placeholder":true,"num":0},{"x":{"_placeholder":true,"num":1}}])");
  ASSERT_EQ(e.attachments.size(), 2u);
  EXPECT_EQ(e.attachments[0], std::string("\x01\x02\x03", 3));
  Encoded ack = encode({PacketType::ack, "/", 7, json::array({json::binary({9})})});
  EXPECT_EQ(ack.text, R"(61-7[{"_placeholder":true,"num":0}])");
}

TEST(SioPacket, DecodesEveryClientType) {
  auto c = decode_one(R"(0/custom,{"token":"abc"})");
  EXPECT_EQ(c.type, PacketType::connect);
  EXPECT_EQ(c.nsp, "/custom");
  EXPECT_EQ((*c.data)["token"], "abc");
  EXPECT_EQ(decode_one("0").nsp, "/");
  EXPECT_FALSE(decode_one("0").data);
}

TEST(SioPacket, DecodesNamespaceWithoutComma) {
  Decoder d;
  auto r = d.on_text("1/custom");
  ASSERT_TRUE(r.packet);
  EXPECT_EQ(r.packet->type, PacketType::disconnect);
  EXPECT_EQ(r.packet->nsp, "/custom");
}

TEST(SioPacket, DecodesEventWithAckId) {
  auto e = decode_one(R"(2456["message-with-ack",1,"2",{"3":[false]}])");
  EXPECT_EQ(e.type, PacketType::event);
  EXPECT_EQ(e.id, 456u);
  EXPECT_EQ(e.data->size(), 4u);
  auto a = decode_one(R"(3/admin,7["ok"])");
  EXPECT_EQ(a.type, PacketType::ack);
  EXPECT_EQ(a.nsp, "/admin");
  EXPECT_EQ(a.id, 7u);
}

TEST(SioPacket, ReassemblesBinaryAttachments) {
  Decoder d;
  auto r = d.on_text(
      R"(52-789["message-with-ack",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
  EXPECT_FALSE(r.packet);
  EXPECT_TRUE(r.error.empty());
  EXPECT_TRUE(d.waiting_for_attachments());
  EXPECT_FALSE(d.on_binary("\x01\x02\x03").packet);
  r = d.on_binary("\x04\x05\x06");
  ASSERT_TRUE(r.packet);
  EXPECT_EQ(r.packet->type, PacketType::event);
  EXPECT_EQ(r.packet->id, 789u);
  EXPECT_TRUE((*r.packet->data)[1].is_binary());
  // Compared as the plain container: C++20 rewritten == makes the mixed compare ambiguous.
  const json::binary_t::container_type& bytes = (*r.packet->data)[2].get_binary();
  EXPECT_EQ(bytes, json::binary_t::container_type({4, 5, 6}));
  // Encoding it again gives the same wire form.
  EXPECT_EQ(
      encode({PacketType::ack, "/", 789, json::array({(*r.packet->data)[1], (*r.packet->data)[2]})})
          .text,
      R"(62-789[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
}

TEST(SioPacket, RejectsMalformedPackets) {
  EXPECT_EQ(error_of(""), "unknown packet type");
  EXPECT_EQ(error_of("abc"), "unknown packet type");
  EXPECT_EQ(error_of("7"), "unknown packet type");
  EXPECT_EQ(error_of("2{}"), "invalid payload");  // EVENT must be an array
  EXPECT_EQ(error_of("2[]"), "invalid payload");  // with an event name
  EXPECT_EQ(error_of("2[{}]"), "invalid payload");
  EXPECT_EQ(error_of(R"(2["disconnect"])"), "invalid payload");  // reserved name
  EXPECT_EQ(error_of(R"(2abc["x"])"), "invalid payload");        // ack id not a number
  EXPECT_EQ(error_of("2[\"x\""), "invalid payload");             // truncated JSON
  EXPECT_EQ(error_of("0[1]"), "invalid payload");                // CONNECT needs an object
  EXPECT_EQ(error_of("1{}"), "invalid payload");                 // DISCONNECT has no payload
  EXPECT_EQ(error_of("3{}"), "invalid payload");                 // ACK must be an array
  EXPECT_EQ(error_of("4"), "invalid payload");                   // CONNECT_ERROR needs data
  EXPECT_EQ(error_of(R"(5["x"])"), "illegal attachments");       // missing count
  EXPECT_EQ(error_of(R"(5a-["x"])"), "illegal attachments");
  EXPECT_EQ(error_of(R"(599-["x"])"), "too many attachments");
  EXPECT_EQ(error_of("2999999999999999999999[\"x\"]"), "invalid ack id");
  EXPECT_EQ(error_of(std::string_view("2[\"x\"]\0garbage", 14)),
            "invalid payload");  // NUL ends nlohmann's input
}

TEST(SioPacket, RejectsDeepNestingWithoutRecursing) {
  std::string deep = "2[\"x\",";
  deep += std::string(100000, '[') + std::string(100000, ']') + "]";
  EXPECT_EQ(error_of(deep), "payload nested too deeply");
  std::string binary = "51-[\"x\"," + std::string(50000, '[') + std::string(50000, ']') + "]";
  EXPECT_EQ(error_of(binary), "payload nested too deeply");
  std::string ok = "2[\"x\"," + std::string(20, '[') + std::string(20, ']') + "]";
  EXPECT_TRUE(error_of(ok).empty());
}

// Fastest of a few runs, in seconds: the least disturbed by other processes.
template <typename Fn>
double fastest_run(Fn&& fn) {
  double best = 1e9;
  for (int run = 0; run < 3; ++run) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    best = std::min(
        best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

// Issue 12: `["x",[{},{},...]]` held the event loop for seconds (nlohmann's callback parser
// rescans the parent array at the end of each object). A packet of many small objects must
// cost about what a flat packet of the same size costs.
TEST(SioPacket, ParseOfManyObjectsIsLinear) {
  constexpr std::size_t kObjects = 200'000;
  std::string objects = R"(2["x",[)";
  for (std::size_t i = 0; i < kObjects; ++i) objects += i == 0 ? "{}" : ",{}";
  objects += "]]";
  const std::string flat = R"(2["x",")" + std::string(objects.size() - 9, 'a') + R"("])";
  ASSERT_EQ(flat.size(), objects.size());
  // Not decode_one: a failure would print 600 KB.
  auto parse_size = [](const std::string& text) {
    Decoder decoder;
    auto result = decoder.on_text(text);
    return result.packet && result.packet->data ? (*result.packet->data)[1].size() : 0;
  };

  std::size_t parsed = 0;
  const double objects_s = fastest_run([&] { parsed = parse_size(objects); });
  EXPECT_EQ(parsed, kObjects);
  const double flat_s = fastest_run([&] { parsed = parse_size(flat); });
  EXPECT_EQ(parsed, 1u);  // a string's size() is 1 for nlohmann
  // Linear: a few times the flat parse (each object is an allocation). Quadratic was 7 s
  // against a few milliseconds: thousands of times.
  EXPECT_LT(objects_s, 100 * flat_s + 0.05)
      << "objects " << objects_s << " s, flat " << flat_s << " s";
}

TEST(SioPacket, JsonDepthSkipsStrings) {
  EXPECT_EQ(json_depth(R"("[[[")"), 0u);
  EXPECT_EQ(json_depth(R"([1,{"a":[2]}])"), 3u);
  EXPECT_EQ(json_depth(R"(["\"[", ["\\"]])"), 2u);
  EXPECT_EQ(json_depth(R"([{},{},[]])"), 2u);
}

TEST(SioPacket, RejectsAttachmentProtocolViolations) {
  Decoder d;
  EXPECT_EQ(d.on_binary("x").error, "unexpected binary message");
  ASSERT_TRUE(d.on_text(R"(51-["x",{"_placeholder":true,"num":0}])").error.empty());
  EXPECT_EQ(d.on_text(R"(2["y"])").error, "text message while waiting for binary attachments");
  Decoder d2;
  ASSERT_TRUE(d2.on_text(R"(51-["x",{"_placeholder":true,"num":5}])").error.empty());
  EXPECT_EQ(d2.on_binary("b").error, "attachment placeholder out of range");
}

TEST(SioPacket, PlaceholderShapedDataInPlainEventStaysData) {
  auto e = decode_one(R"(2["x",{"_placeholder":true,"num":0}])");
  EXPECT_TRUE((*e.data)[1].is_object());
}

}  // namespace
}  // namespace confab::socketio
