#pragma once
// RFC 6455 framing for the server side of a plain-TCP WebSocket, apart from any socket so that
// it can be unit-tested and fuzzed. Beast's websocket::stream holds ~2.6 KB per connection (a
// fixed 1.5 KB read buffer, a timer, seven saved handlers) whether or not a frame is in flight;
// this reader holds nothing but a partial frame, and nothing at all between frames.
// No extensions are negotiated, so every RSV bit must be 0.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace confab::http {

enum class WsOpcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

// Close codes this server sends (RFC 6455 §7.4.1).
namespace ws_close {
inline constexpr std::uint16_t normal = 1000;
inline constexpr std::uint16_t protocol_error = 1002;
inline constexpr std::uint16_t invalid_payload = 1007;
inline constexpr std::uint16_t too_big = 1009;
inline constexpr std::uint16_t no_status = 1005;  // received without a code; never sent
}  // namespace ws_close

// What a reader hands its connection, in order.
class WsFrameSink {
 public:
  virtual ~WsFrameSink() = default;
  // A whole message (fragments joined, unmasked; text checked as UTF-8). Return false to stop
  // reading: the rest of the bytes are dropped.
  virtual bool on_message(std::string_view payload, bool binary) = 0;
  virtual void on_ping(std::string_view payload) = 0;
  // The peer's close frame: its code, or ws_close::no_status. Nothing is read after it.
  virtual void on_close(std::uint16_t code) = 0;
};

class WsFrameReader {
 public:
  explicit WsFrameReader(std::size_t max_message) : max_message_(max_message) {}

  // Reads the bytes that arrived (unmasking them in place). Returns 0, or the close code to fail
  // the connection with (protocol_error, invalid_payload, too_big); after a failure, or after a
  // close frame or a sink's stop, it reads nothing more.
  std::uint16_t feed(char* data, std::size_t size, WsFrameSink& sink);

  // Bytes held for a frame that has not fully arrived, and for an unfinished message.
  std::size_t buffered() const { return partial_.size() + message_.size(); }
  bool done() const { return done_; }

 private:
  // Parses the whole frames at the front of [data, data+size); returns how many bytes they took,
  // or sets failure_.
  std::size_t parse(char* data, std::size_t size, WsFrameSink& sink);
  // One whole frame; false to stop.
  bool dispatch(WsOpcode opcode, bool fin, char* payload, std::size_t length, WsFrameSink& sink);
  bool fail(std::uint16_t code);

  std::size_t max_message_;
  std::string partial_;  // the start of a frame that has not fully arrived
  std::string message_;  // fragments of an unfinished message
  bool in_message_ = false;
  bool message_binary_ = false;
  bool done_ = false;
  std::uint16_t failure_ = 0;
};

// Appends one unmasked, unfragmented server frame to `out`.
void append_ws_frame(std::string& out, WsOpcode opcode, std::string_view payload);

// Writes the header of an unmasked, unfragmented server frame; returns its size (2 to 10).
std::size_t write_ws_header(char (&out)[10], WsOpcode opcode, std::size_t length);

// The payload of a close frame with `code` (empty for ws_close::no_status).
std::string ws_close_payload(std::uint16_t code);

}  // namespace confab::http
