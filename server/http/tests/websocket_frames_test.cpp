#include "http/websocket_frames.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace confab::http {
namespace {

constexpr unsigned kCont = 0x0, kText = 0x1, kBinary = 0x2, kClose = 0x8, kPing = 0x9, kPong = 0xA;
constexpr std::size_t kMax = 1 << 20;

struct FrameOptions {
  bool fin = true;
  unsigned rsv = 0;  // 0x40, 0x20, 0x10: RSV1..RSV3
  bool masked = true;
  std::uint32_t key = 0xA1B2C3D4;
  int length_bytes = -1;  // -1: the fewest; 0, 2 or 8: that encoding, minimal or not
};

// The header of a client frame declaring `length` payload bytes, mask key included.
std::string client_header(unsigned opcode, std::uint64_t length, const FrameOptions& o = {}) {
  const int bytes = o.length_bytes >= 0 ? o.length_bytes
                    : length < 126      ? 0
                    : length <= 0xFFFF  ? 2
                                        : 8;
  std::string h;
  h += static_cast<char>((o.fin ? 0x80 : 0) | o.rsv | opcode);
  h += static_cast<char>((o.masked ? 0x80 : 0) | (bytes == 0 ? length : bytes == 2 ? 126 : 127));
  for (int i = bytes - 1; i >= 0; --i) h += static_cast<char>(length >> (8 * i));
  if (o.masked) {
    for (int i = 3; i >= 0; --i) h += static_cast<char>(o.key >> (8 * i));
  }
  return h;
}

std::string client_frame(unsigned opcode, std::string_view payload, const FrameOptions& o = {}) {
  std::string f = client_header(opcode, payload.size(), o);
  const std::size_t start = f.size();
  f += payload;
  for (std::size_t i = 0; o.masked && i < payload.size(); ++i) {
    f[start + i] = static_cast<char>(f[start + i] ^ (o.key >> (8 * (3 - i % 4))));
  }
  return f;
}

std::string code_bytes(std::uint16_t code) {
  return {static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
}

std::string pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>(i * 31 + 7);
  return s;
}

class Recorder : public WsFrameSink {
 public:
  std::vector<std::string> events;
  int stop_after = -1;  // on_message returns false for this message (1-based)

  bool on_message(std::string_view payload, bool binary) override {
    events.push_back((binary ? "binary:" : "text:") + std::string(payload));
    return ++messages_ != stop_after;
  }
  void on_ping(std::string_view payload) override {
    events.push_back("ping:" + std::string(payload));
  }
  void on_close(std::uint16_t code) override { events.push_back("close:" + std::to_string(code)); }

 private:
  int messages_ = 0;
};

std::uint16_t feed(WsFrameReader& reader, std::string bytes, WsFrameSink& sink) {
  return reader.feed(bytes.data(), bytes.size(), sink);
}

struct Outcome {
  std::uint16_t code = 0;
  std::vector<std::string> events;
  bool operator==(const Outcome&) const = default;
};

// Feeds `stream` to a fresh reader, in chunks whose sizes `chunk` picks (all at once if empty);
// the code is the last feed's.
Outcome run(std::string stream, std::size_t max_message = kMax,
            const std::function<std::size_t()>& chunk = {}) {
  WsFrameReader reader(max_message);
  Recorder sink;
  Outcome out;
  std::size_t pos = 0;
  do {
    const std::size_t n = chunk ? std::min(chunk(), stream.size() - pos) : stream.size();
    out.code = reader.feed(stream.data() + pos, n, sink);
    pos += n;
  } while (pos < stream.size());
  out.events = sink.events;
  return out;
}

using Events = std::vector<std::string>;

TEST(WsFrameReader, DeliversMaskedTextUnmasked) {
  const std::string frame = client_frame(kText, "Hello, confab");
  ASSERT_EQ(frame.find("Hello"), std::string::npos);  // the helper really masks
  EXPECT_EQ(run(frame), (Outcome{0, {"text:Hello, confab"}}));
  EXPECT_EQ(run(client_frame(kText, "")), (Outcome{0, {"text:"}}));
}

TEST(WsFrameReader, SevenSixteenAndSixtyFourBitLengths) {
  const std::vector<std::pair<std::size_t, unsigned>> cases = {
      {125, 125}, {126, 126}, {65535, 126}, {65536, 127}};
  for (const auto& [size, len7] : cases) {
    SCOPED_TRACE(size);
    const std::string payload = pattern(size);
    const std::string frame = client_frame(kBinary, payload);
    ASSERT_EQ(static_cast<unsigned char>(frame[1]), 0x80u | len7);
    EXPECT_EQ(run(frame), (Outcome{0, {"binary:" + payload}}));
  }
}

TEST(WsFrameReader, ChunkingDoesNotChangeEvents) {
  const std::vector<std::string> frames = {
      client_frame(kText, "one"),
      client_frame(kPing, "are you there"),
      client_frame(kBinary, pattern(300), {.key = 0x01020304}),
      client_frame(kText, "frag", {.fin = false}),
      client_frame(kPong, "x"),
      client_frame(kCont, "mented", {.key = 0}),
      client_frame(kBinary, pattern(70000)),
      client_frame(kText, "caf\xC3\xA9"),
      client_frame(kClose, code_bytes(1001) + "bye"),
  };
  std::string stream;
  for (const auto& f : frames) stream += f;
  const Outcome whole = run(stream);
  ASSERT_EQ(whole.events.size(), 7u);
  EXPECT_EQ(whole.events[3], "text:fragmented");
  EXPECT_EQ(whole.events.back(), "close:1001");
  EXPECT_EQ(run(stream, kMax, [] { return 1; }), whole);
  for (unsigned seed = 1; seed <= 20; ++seed) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<std::size_t> size(1, seed % 2 ? 9 : 4000);
    EXPECT_EQ(run(stream, kMax, [&] { return size(rng); }), whole) << "seed " << seed;
  }

  // Byte by byte, nothing is held exactly at the end of each whole (unfragmented) frame.
  WsFrameReader reader(kMax);
  Recorder sink;
  for (const std::size_t i : {0, 1, 2, 6, 7}) {
    const std::string& f = frames[i];
    for (std::size_t b = 0; b < f.size(); ++b) {
      ASSERT_EQ(feed(reader, f.substr(b, 1), sink), 0);
      ASSERT_EQ(reader.buffered() == 0, b + 1 == f.size()) << "frame " << i << " byte " << b;
    }
  }
  EXPECT_EQ(sink.events.size(), 5u);
}

TEST(WsFrameReader, FragmentedTextWithControlFramesBetween) {
  WsFrameReader reader(kMax);
  Recorder sink;
  EXPECT_EQ(feed(reader, client_frame(kText, "Hel", {.fin = false}), sink), 0);
  EXPECT_EQ(reader.buffered(), 3u);
  const std::string rest = client_frame(kPing, "p1") + client_frame(kCont, "lo, ", {.fin = false}) +
                           client_frame(kPong, "p2") + client_frame(kCont, "world");
  EXPECT_EQ(feed(reader, rest, sink), 0);
  EXPECT_EQ(sink.events, (Events{"ping:p1", "text:Hello, world"}));
  EXPECT_EQ(reader.buffered(), 0u);
}

TEST(WsFrameReader, BinaryMessages) {
  const std::string bytes("\x00\xFF\x80\xC0", 4);
  EXPECT_EQ(run(client_frame(kBinary, bytes)), (Outcome{0, {"binary:" + bytes}}));
  const std::string split = client_frame(kBinary, bytes.substr(0, 1), {.fin = false}) +
                            client_frame(kCont, bytes.substr(1, 2), {.fin = false}) +
                            client_frame(kCont, bytes.substr(3));
  EXPECT_EQ(run(split), (Outcome{0, {"binary:" + bytes}}));
}

TEST(WsFrameReader, ProtocolErrors) {
  const std::string in_text = client_frame(kText, "a", {.fin = false});
  const std::size_t m = in_text.size();
  struct Case {
    const char* name;
    std::string bytes;
    std::size_t enough;  // it fails once this many bytes are in (without waiting for the rest)
  };
  const std::vector<Case> cases = {
      {"unmasked", client_frame(kText, "hi", {.masked = false}), 2},
      {"rsv1", client_frame(kText, "hi", {.rsv = 0x40}), 2},
      {"rsv2", client_frame(kText, "hi", {.rsv = 0x20}), 2},
      {"rsv3", client_frame(kBinary, "hi", {.rsv = 0x10}), 2},
      {"opcode 3", client_frame(0x3, "hi"), 2},
      {"opcode 0xB", client_frame(0xB, "hi"), 2},
      {"ping fin=0", client_frame(kPing, "hi", {.fin = false}), 2},
      {"close fin=0", client_frame(kClose, "", {.fin = false}), 2},
      {"ping 126", client_frame(kPing, std::string(126, 'p')), 2},
      {"continuation alone", client_frame(kCont, "hi"), 2},
      {"text inside message", in_text + client_frame(kText, "b"), m + 2},
      {"binary inside message", in_text + client_frame(kBinary, "b", {.fin = false}), m + 2},
      {"16-bit length 125", client_frame(kText, std::string(125, 'x'), {.length_bytes = 2}), 8},
      {"16-bit length 0", client_frame(kText, "", {.length_bytes = 2}), 8},
      {"64-bit length 65535", client_frame(kBinary, pattern(65535), {.length_bytes = 8}), 14},
      {"64-bit length 5", client_frame(kBinary, "12345", {.length_bytes = 8}), 14},
      {"64-bit top bit", client_header(kBinary, (1ull << 63) | 70000), 14},
      {"close 1 byte", client_frame(kClose, "\x03"), 7},
  };
  for (const auto& [name, bytes, enough] : cases) {
    EXPECT_EQ(run(bytes), (Outcome{1002, {}})) << name;
    EXPECT_EQ(run(bytes, kMax, [] { return 1; }), (Outcome{1002, {}})) << name << ", bytewise";
    EXPECT_EQ(run(bytes.substr(0, enough)), (Outcome{1002, {}})) << name << ", prefix";
  }
}

TEST(WsFrameReader, TooBigFailsAfterTheHeaderAlone) {
  EXPECT_EQ(run(client_frame(kText, std::string(100, 'a')), 100).code, 0);
  EXPECT_EQ(run(client_header(kText, 101), 100), (Outcome{1009, {}}));
  EXPECT_EQ(run(client_header(kBinary, 1ull << 40), 100), (Outcome{1009, {}}));
  const std::string first = client_frame(kText, std::string(60, 'a'), {.fin = false});
  EXPECT_EQ(run(first + client_frame(kCont, std::string(40, 'b')), 100).code, 0);
  WsFrameReader reader(100);
  Recorder sink;
  EXPECT_EQ(feed(reader, first + client_frame(kPing, "p"), sink), 0);
  EXPECT_EQ(feed(reader, client_header(kCont, 41, {.fin = false}), sink), 1009);
  EXPECT_EQ(sink.events, (Events{"ping:p"}));
  EXPECT_EQ(reader.buffered(), 0u);
  EXPECT_TRUE(reader.done());
}

TEST(WsFrameReader, TextMustBeUtf8AsAWholeMessage) {
  for (const std::string bad : {"\xFF", "a\xC3", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80"}) {
    EXPECT_EQ(run(client_frame(kText, bad)), (Outcome{1007, {}}));
    EXPECT_EQ(run(client_frame(kBinary, bad)), (Outcome{0, {"binary:" + bad}}));
  }
  // "€" (E2 82 AC) cut inside the character: each fragment alone is invalid, the message is not.
  const std::string euro = client_frame(kText, "1\xE2", {.fin = false}) +
                           client_frame(kCont, "\x82", {.fin = false}) +
                           client_frame(kCont, "\xAC!");
  EXPECT_EQ(run(euro), (Outcome{0, {"text:1\xE2\x82\xAC!"}}));
  // A valid first fragment does not make an invalid message valid.
  EXPECT_EQ(run(client_frame(kText, "ok", {.fin = false}) + client_frame(kCont, "\xE2\x82")),
            (Outcome{1007, {}}));
  EXPECT_EQ(run(client_frame(kBinary, "\xE2", {.fin = false}) + client_frame(kCont, "\x82")),
            (Outcome{0, {"binary:\xE2\x82"}}));
}

TEST(WsFrameReader, CloseFrames) {
  EXPECT_EQ(run(client_frame(kClose, "")), (Outcome{0, {"close:1005"}}));
  EXPECT_EQ(run(client_frame(kClose, code_bytes(1000) + "au revoir, \xC3\xA9t\xC3\xA9")),
            (Outcome{0, {"close:1000"}}));
  for (const std::uint16_t code : {1001, 1011, 3000, 4999}) {
    EXPECT_EQ(run(client_frame(kClose, code_bytes(code))),
              (Outcome{0, {"close:" + std::to_string(code)}}));
  }
  for (const std::uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 2999, 5000, 65535}) {
    EXPECT_EQ(run(client_frame(kClose, code_bytes(code))), (Outcome{1002, {}})) << code;
  }
  EXPECT_EQ(run(client_frame(kClose, code_bytes(1000) + "\xFF")), (Outcome{1007, {}}));
}

TEST(WsFrameReader, NothingAfterCloseFailureOrStop) {
  const std::string hi = client_frame(kText, "hi"), ping = client_frame(kPing, "p");
  struct Case {
    std::string end;  // the frame after which nothing is read
    std::uint16_t code;
    Events events;
    int stop_after = -1;
  };
  for (const Case& c : {Case{client_frame(kClose, ""), 0, {"text:hi", "close:1005"}},
                        Case{client_frame(0x3, ""), 1002, {"text:hi"}},
                        Case{client_frame(kText, "\xFF"), 1007, {"text:hi"}},
                        Case{client_frame(kText, "stop"), 0, {"text:hi", "text:stop"}, 2}}) {
    WsFrameReader reader(kMax);
    Recorder sink;
    sink.stop_after = c.stop_after;
    EXPECT_EQ(feed(reader, hi + c.end + hi + ping, sink), c.code);
    EXPECT_TRUE(reader.done());
    EXPECT_EQ(feed(reader, hi + ping, sink), c.code);
    EXPECT_EQ(feed(reader, hi.substr(0, 3), sink), c.code);
    EXPECT_EQ(sink.events, c.events);
    EXPECT_EQ(reader.buffered(), 0u);
  }
}

TEST(WsFrameWriter, HeadersAndFrames) {
  const std::vector<std::pair<std::size_t, std::string>> cases = {
      {0, std::string("\x82\x00", 2)},
      {125, "\x82\x7D"},
      {126, std::string("\x82\x7E\x00\x7E", 4)},
      {65535, "\x82\x7E\xFF\xFF"},
      {65536, std::string("\x82\x7F\x00\x00\x00\x00\x00\x01\x00\x00", 10)},
  };
  for (const auto& [length, header] : cases) {
    SCOPED_TRACE(length);
    char out[10];
    const std::size_t n = write_ws_header(out, WsOpcode::binary, length);
    EXPECT_EQ(std::string(out, n), header);
    std::string frame = "prefix";
    const std::string payload = pattern(length);
    append_ws_frame(frame, WsOpcode::binary, payload);
    EXPECT_EQ(frame, "prefix" + header + payload);
  }
  char out[10];
  ASSERT_EQ(write_ws_header(out, WsOpcode::text, 5), 2u);
  EXPECT_EQ(std::string(out, 2), "\x81\x05");
  ASSERT_EQ(write_ws_header(out, WsOpcode::close, 2), 2u);
  EXPECT_EQ(std::string(out, 2), "\x88\x02");
}

TEST(WsFrameWriter, ClosePayload) {
  EXPECT_EQ(ws_close_payload(1000), "\x03\xE8");
  EXPECT_EQ(ws_close_payload(4999), "\x13\x87");
  EXPECT_EQ(ws_close_payload(1005), "");
}

}  // namespace
}  // namespace confab::http
