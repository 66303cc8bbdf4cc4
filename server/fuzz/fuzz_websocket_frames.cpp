// Fuzzes the RFC 6455 server-side frame reader and writer (http/websocket_frames.hpp) with what
// a client may send on a plain-TCP WebSocket.
//
// Input format: byte 0 picks max_message (1 + byte * 64, so 1 to 16321); byte 1 picks how a
// second reader gets the bytes (chunks of 1 to 7 bytes, or 1 to 97 if its top bit is set, sizes
// drawn from a generator seeded with it); the rest is the client's byte stream, fed whole to one
// reader and in those chunks to the other, then followed by one more (valid) ping frame.
//
// Invariants:
//  - the two readers agree: the same events in the same order, the same result codes, the same
//    buffered() and done() after every input;
//  - a result is 0, 1002, 1007 or 1009, and stays what it was once non-zero; non-zero means done;
//  - every text message is valid UTF-8 (checked here by the code point decoder), no message is
//  longer than
//    max_message, pings carry at most 125 bytes, a close code is one a peer may send (or 1005);
//  - nothing is delivered after on_close, after a failure or once done(), in the same feed or a
//    later one; done() holds nothing (buffered() == 0);
//  - buffered() <= max_message + 131 (an unfinished message, plus the start of one data frame,
//    at most 14 header bytes and what the message may still take, or of one control frame, at
//    most 6 + 125 bytes);
//  - round trip: the same bytes read as records [flags][length][bytes] are sent as client frames
//    (write_ws_header's header with the mask bit and a key, fragmented, with pings and pongs
//    between the fragments, sometimes repeated past 65535 bytes for a 64-bit length) and come
//    back as the same messages, unless a text one is not UTF-8 (then 1007 right there).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/utf8.hpp"
#include "fuzz/fuzz_check.hpp"
#include "http/websocket_frames.hpp"

namespace {

using confab::http::WsFrameReader;
using confab::http::WsOpcode;

constexpr std::size_t kMaxControlFrame = 2 + 4 + 125;

// Strict UTF-8 (RFC 3629) decoded code point by code point: an oracle independent of the
// SIMD check (common::utf8::is_valid) that the reader uses.
bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto decoded = confab::common::utf8::decode(s, i);
    if (!decoded) return false;
    i += decoded->length;
  }
  return true;
}

bool peer_close_code(std::uint16_t code) {
  return code == 1005 || (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
         (code >= 3000 && code <= 4999);
}

// Records what a reader delivers and checks each delivery as it happens.
class Log final : public confab::http::WsFrameSink {
 public:
  Log(const WsFrameReader& reader, std::size_t max_message)
      : reader_(reader), max_message_(max_message) {}

  std::vector<std::string> events;  // kind letter + payload: T text, B binary, P ping, C close
  bool finished = false;            // set once a feed returned with the reader done

  bool on_message(std::string_view payload, bool binary) override {
    check_open();
    FUZZ_CHECK(payload.size() <= max_message_);
    if (!binary) FUZZ_CHECK(valid_utf8(payload));
    events.push_back((binary ? "B" : "T") + std::string(payload));
    return true;
  }
  void on_ping(std::string_view payload) override {
    check_open();
    FUZZ_CHECK(payload.size() <= 125);
    events.push_back("P" + std::string(payload));
  }
  void on_close(std::uint16_t code) override {
    FUZZ_CHECK(!finished && !closed_);
    FUZZ_CHECK(peer_close_code(code));
    closed_ = true;
    events.push_back("C" + std::to_string(code));
  }
  bool closed() const { return closed_; }

 private:
  void check_open() const { FUZZ_CHECK(!finished && !closed_ && !reader_.done()); }

  const WsFrameReader& reader_;
  std::size_t max_message_;
  bool closed_ = false;
};

struct Side {
  explicit Side(std::size_t max) : reader(max), log(reader, max), max_message(max) {}
  WsFrameReader reader;
  Log log;
  std::size_t max_message;
  std::uint16_t code = 0;

  void feed(std::string bytes) {  // a copy: the reader unmasks in place
    const std::uint16_t was = code;
    code = reader.feed(bytes.data(), bytes.size(), log);
    FUZZ_CHECK(code == 0 || code == 1002 || code == 1007 || code == 1009);
    FUZZ_CHECK(was == 0 || code == was);
    FUZZ_CHECK(code == 0 || reader.done());
    FUZZ_CHECK(!log.closed() || reader.done());
    FUZZ_CHECK(!reader.done() || reader.buffered() == 0);
    FUZZ_CHECK(reader.buffered() <= max_message + kMaxControlFrame);
    log.finished = reader.done();
  }
};

// A client frame: write_ws_header's header with FIN/opcode set as asked, the mask bit and `key`.
std::string client_frame(WsOpcode opcode, bool fin, std::string_view payload,
                         const unsigned char (&key)[4]) {
  char header[10];
  const std::size_t n = confab::http::write_ws_header(header, opcode, payload.size());
  FUZZ_CHECK(static_cast<unsigned char>(header[1]) < 0x80);  // servers do not mask
  header[0] = static_cast<char>((fin ? 0x80 : 0) | static_cast<unsigned>(opcode));
  header[1] = static_cast<char>(header[1] | 0x80);
  std::string frame(header, n);
  frame.append(reinterpret_cast<const char*>(key), 4);
  frame.append(payload);
  char* p = frame.data() + n + 4;
  for (std::size_t i = 0; i < payload.size(); ++i) p[i] = static_cast<char>(p[i] ^ key[i % 4]);
  return frame;
}

// Records [flags][length][bytes]: flags bit 0 binary, bits 1-2 fragments - 1, bit 3 a ping and a
// pong between fragments, bits 4-7 all set: the bytes repeated past 65535 (once per input, as
// it is slow); the key comes from the flags and the length. The reader's max_message is the longest
// message's length.
void check_round_trip(std::string_view input) {
  std::string stream;
  std::vector<std::string> expected;
  bool invalid = false;   // a text message that is not UTF-8 ends what the reader delivers
  bool enlarged = false;  // once per input, to keep runs fast
  std::size_t largest = 1;
  std::size_t pos = 0;
  for (int records = 0; pos + 2 <= input.size() && records < 16; ++records) {
    const auto flags = static_cast<unsigned char>(input[pos]);
    const auto length = static_cast<unsigned char>(input[pos + 1]);
    std::string message(input.substr(pos + 2, length));
    pos += 2 + length;
    if ((flags & 0xF0) == 0xF0 && !enlarged && !message.empty()) {
      enlarged = true;
      while (message.size() <= 0xFFFF) message += message;
      message.resize(0x10000 + length % 16);
    }
    largest = std::max(largest, message.size());
    const bool binary = flags & 1;
    const std::size_t fragments = 1 + ((flags >> 1) & 3);
    const unsigned char key[4] = {flags, length, static_cast<unsigned char>(flags * 37),
                                  static_cast<unsigned char>(length ^ 0x5A)};
    const std::size_t step = message.size() / fragments;
    for (std::size_t f = 0; f < fragments; ++f) {
      const bool last = f + 1 == fragments;
      const std::string_view part =
          std::string_view(message).substr(f * step, last ? std::string::npos : step);
      const WsOpcode opcode = f > 0    ? WsOpcode::continuation
                              : binary ? WsOpcode::binary
                                       : WsOpcode::text;
      stream += client_frame(opcode, last, part, key);
      if ((flags & 8) && !last) {
        const std::string ping = "ping" + std::to_string(f);
        stream += client_frame(WsOpcode::ping, true, ping, key);
        stream += client_frame(WsOpcode::pong, true, "pong", key);
        if (!invalid) expected.push_back("P" + ping);
      }
    }
    if (!binary && !valid_utf8(message)) invalid = true;
    if (!invalid) expected.push_back((binary ? "B" : "T") + message);
  }
  const unsigned char key[4] = {1, 2, 3, 4};
  stream += client_frame(WsOpcode::close, true, confab::http::ws_close_payload(1000), key);
  if (!invalid) expected.push_back("C1000");
  Side side(largest);  // messages exactly max_message long are accepted
  side.feed(stream);
  FUZZ_CHECK(side.code == (invalid ? 1007 : 0));
  FUZZ_CHECK(side.log.events == expected);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::size_t max_message = 1 + std::size_t{data[0]} * 64;
  const std::string_view stream(reinterpret_cast<const char*>(data) + 2, size - 2);

  Side whole(max_message);
  Side chunked(max_message);
  whole.feed(std::string(stream));
  std::uint32_t state = data[1] * 2654435761u + 1;
  const std::uint32_t spread = data[1] & 0x80 ? 97 : 7;
  for (std::size_t pos = 0; pos < stream.size();) {
    state = state * 1103515245u + 12345u;
    const std::size_t n = std::min<std::size_t>(1 + (state >> 16) % spread, stream.size() - pos);
    chunked.feed(std::string(stream.substr(pos, n)));
    pos += n;
  }
  FUZZ_CHECK(whole.code == chunked.code);
  FUZZ_CHECK(whole.log.events == chunked.log.events);
  FUZZ_CHECK(whole.reader.buffered() == chunked.reader.buffered());
  FUZZ_CHECK(whole.reader.done() == chunked.reader.done());

  // A later feed: read as before if the reader is still going, dropped if it is done.
  const unsigned char key[4] = {9, 8, 7, 6};
  const std::string ping = client_frame(WsOpcode::ping, true, "later", key);
  whole.feed(ping);
  chunked.feed(ping);
  FUZZ_CHECK(whole.code == chunked.code);
  FUZZ_CHECK(whole.log.events == chunked.log.events);
  check_round_trip(stream);
  return 0;
}
