#include "http/websocket_frames.hpp"

#include <cstring>

#include "common/utf8.hpp"

namespace confab::http {

namespace {

constexpr std::size_t kMaxControlPayload = 125;

bool known_opcode(unsigned op) {
  switch (static_cast<WsOpcode>(op)) {
    case WsOpcode::continuation:
    case WsOpcode::text:
    case WsOpcode::binary:
    case WsOpcode::close:
    case WsOpcode::ping:
    case WsOpcode::pong:
      return true;
  }
  return false;
}

// The codes a peer may send (RFC 6455 §7.4, and the IANA registry up to 1014).
bool valid_close_code(std::uint16_t code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
         (code >= 3000 && code <= 4999);
}

std::uint64_t big_endian(const char* p, std::size_t bytes) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

// XOR with the 4-byte key, eight bytes at a time.
void unmask(char* p, std::size_t n, const char* key_bytes) {
  unsigned char key[8];
  for (int i = 0; i < 8; ++i) key[i] = static_cast<unsigned char>(key_bytes[i % 4]);
  std::uint64_t wide;
  std::memcpy(&wide, key, 8);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t chunk;
    std::memcpy(&chunk, p + i, 8);
    chunk ^= wide;
    std::memcpy(p + i, &chunk, 8);
  }
  for (; i < n; ++i) p[i] = static_cast<char>(static_cast<unsigned char>(p[i]) ^ key[i % 4]);
}

}  // namespace

std::uint16_t WsFrameReader::feed(char* data, std::size_t size, WsFrameSink& sink) {
  if (done_) return failure_;
  if (partial_.empty()) {
    const std::size_t used = parse(data, size, sink);
    if (!done_ && used < size) partial_.assign(data + used, size - used);
  } else {
    partial_.append(data, size);
    const std::size_t used = parse(partial_.data(), partial_.size(), sink);
    partial_.erase(0, used);
    if (partial_.empty()) std::string().swap(partial_);  // an idle connection holds nothing
  }
  if (done_) {
    std::string().swap(partial_);
    std::string().swap(message_);
  }
  return failure_;
}

std::size_t WsFrameReader::parse(char* data, std::size_t size, WsFrameSink& sink) {
  std::size_t pos = 0;
  while (!done_ && size - pos >= 2) {
    char* p = data + pos;
    const std::size_t avail = size - pos;
    const auto b0 = static_cast<unsigned char>(p[0]);
    const auto b1 = static_cast<unsigned char>(p[1]);
    const bool fin = (b0 & 0x80) != 0;
    const unsigned op = b0 & 0x0F;
    const std::size_t len7 = b1 & 0x7F;
    const bool control = (op & 0x8) != 0;
    // Checked as soon as two bytes are here, so that a bad stream fails without waiting for more.
    if ((b0 & 0x70) != 0 || !known_opcode(op) || (b1 & 0x80) == 0) {
      fail(ws_close::protocol_error);
      break;
    }
    if (control && (!fin || len7 > kMaxControlPayload)) {
      fail(ws_close::protocol_error);
      break;
    }
    const auto opcode = static_cast<WsOpcode>(op);
    if (!control && (opcode == WsOpcode::continuation) != in_message_) {
      fail(ws_close::protocol_error);  // a continuation with no message, or a new one inside one
      break;
    }
    const std::size_t extended = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
    const std::size_t header = 2 + extended + 4;
    if (avail < header) break;
    const std::uint64_t length = extended == 0 ? len7 : big_endian(p + 2, extended);
    // Lengths use the fewest bytes, and the 64-bit form has its top bit clear.
    if ((extended == 2 && length < 126) || (extended == 8 && (length <= 0xFFFF || length >> 63))) {
      fail(ws_close::protocol_error);
      break;
    }
    if (!control && length > max_message_ - message_.size()) {
      fail(ws_close::too_big);
      break;
    }
    if (avail - header < length) break;
    char* payload = p + header;
    const auto n = static_cast<std::size_t>(length);
    unmask(payload, n, p + header - 4);
    pos += header + n;
    if (!dispatch(opcode, fin, payload, n, sink)) break;
  }
  return pos;
}

bool WsFrameReader::dispatch(WsOpcode opcode, bool fin, char* payload, std::size_t length,
                             WsFrameSink& sink) {
  const std::string_view data(payload, length);
  switch (opcode) {
    case WsOpcode::text:
    case WsOpcode::binary: {
      const bool binary = opcode == WsOpcode::binary;
      if (!fin) {
        in_message_ = true;
        message_binary_ = binary;
        message_.assign(data);
        return true;
      }
      if (!binary && !common::utf8::is_valid(data)) return fail(ws_close::invalid_payload);
      if (sink.on_message(data, binary)) return true;
      done_ = true;
      return false;
    }
    case WsOpcode::continuation: {
      message_.append(data);
      if (!fin) return true;
      in_message_ = false;
      std::string message;
      message.swap(message_);  // the reader holds nothing once a message is out
      if (!message_binary_ && !common::utf8::is_valid(message))
        return fail(ws_close::invalid_payload);
      if (sink.on_message(message, message_binary_)) return true;
      done_ = true;
      return false;
    }
    case WsOpcode::ping:
      sink.on_ping(data);
      return true;
    case WsOpcode::pong:
      return true;
    case WsOpcode::close: {
      if (length == 1) return fail(ws_close::protocol_error);
      std::uint16_t code = ws_close::no_status;
      if (length >= 2) {
        code = static_cast<std::uint16_t>(big_endian(payload, 2));
        if (!valid_close_code(code)) return fail(ws_close::protocol_error);
        if (!common::utf8::is_valid(data.substr(2))) return fail(ws_close::invalid_payload);
      }
      done_ = true;
      sink.on_close(code);
      return false;
    }
  }
  return fail(ws_close::protocol_error);
}

bool WsFrameReader::fail(std::uint16_t code) {
  failure_ = code;
  done_ = true;
  return false;
}

std::size_t write_ws_header(char (&out)[10], WsOpcode opcode, std::size_t length) {
  out[0] = static_cast<char>(0x80 | static_cast<unsigned>(opcode));
  if (length < 126) {
    out[1] = static_cast<char>(length);
    return 2;
  }
  const std::size_t bytes = length <= 0xFFFF ? 2 : 8;
  out[1] = static_cast<char>(bytes == 2 ? 126 : 127);
  for (std::size_t i = 0; i < bytes; ++i) {
    out[2 + i] =
        static_cast<char>((static_cast<std::uint64_t>(length) >> (8 * (bytes - 1 - i))) & 0xFF);
  }
  return 2 + bytes;
}

void append_ws_frame(std::string& out, WsOpcode opcode, std::string_view payload) {
  char header[10];
  out.append(header, write_ws_header(header, opcode, payload.size()));
  out.append(payload);
}

std::string ws_close_payload(std::uint16_t code) {
  if (code == ws_close::no_status) return {};
  return {static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
}

}  // namespace confab::http
