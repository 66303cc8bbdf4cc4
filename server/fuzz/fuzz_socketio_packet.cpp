// Fuzzes the Socket.IO v5 packet decoder with binary attachments, as a connection feeds it:
// a sequence of Engine.IO messages, each text or binary.
//
// Input format (hand-writable): lines separated by '\n'. A line starting with 'b' is a binary
// message of the bytes after the 'b'; a line starting with 't' is a text message of the bytes
// after the 't'; any other line is a text message as it stands. So
//   51-["upload",{"_placeholder":true,"num":0}]
//   b\x01\x02
// is a BINARY_EVENT followed by its one attachment.
//
// Invariants:
//  - the decoder never crashes and answers every message with at most one of packet/error;
//  - a decoded packet is never of a BINARY_* type (attachments are folded back into `data`),
//    and has the shape its type requires;
//  - encode(decoded) fed to a fresh decoder gives back an equal packet, with exactly one
//    attachment per binary value.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "socketio/packet.hpp"

namespace {

using confab::socketio::Decoder;
using confab::socketio::Packet;
using confab::socketio::PacketType;
using nlohmann::json;

bool equal(const Packet& a, const Packet& b) {
  return a.type == b.type && a.nsp == b.nsp && a.id == b.id && a.data == b.data;
}

std::size_t count_binary(const json& j) {
  if (j.is_binary()) return 1;
  std::size_t n = 0;
  if (j.is_array() || j.is_object()) {
    for (const auto& child : j) n += count_binary(child);
  }
  return n;
}

void check_shape(const Packet& p) {
  FUZZ_CHECK(p.type != PacketType::binary_event && p.type != PacketType::binary_ack);
  FUZZ_CHECK(!p.nsp.empty() && p.nsp[0] == '/');
  switch (p.type) {
    case PacketType::connect:
      FUZZ_CHECK(!p.data || p.data->is_object());
      break;
    case PacketType::disconnect:
      FUZZ_CHECK(!p.data);
      break;
    case PacketType::connect_error:
      FUZZ_CHECK(p.data && (p.data->is_object() || p.data->is_string()));
      break;
    case PacketType::event:
      FUZZ_CHECK(p.data && p.data->is_array() && !p.data->empty());
      FUZZ_CHECK((*p.data)[0].is_string() || (*p.data)[0].is_number());
      break;
    case PacketType::ack:
      FUZZ_CHECK(p.data && p.data->is_array());
      break;
    default:
      FUZZ_CHECK(false);
  }
}

void check_round_trip(const Packet& packet) {
  const auto encoded = confab::socketio::encode(packet);
  const std::size_t binaries = packet.data ? count_binary(*packet.data) : 0;
  FUZZ_CHECK(encoded.attachments.size() == binaries);

  Decoder fresh(binaries);
  Decoder::Result result = fresh.on_text(encoded.text);
  for (const auto& attachment : encoded.attachments) {
    FUZZ_CHECK(!result.packet && result.error.empty());
    FUZZ_CHECK(fresh.waiting_for_attachments());
    result = fresh.on_binary(attachment);
  }
  if (!result.error.empty()) {
    std::fprintf(stderr, "re-decoding %s failed: %s\n", encoded.text.c_str(), result.error.c_str());
  }
  FUZZ_CHECK(result.error.empty() && result.packet);
  FUZZ_CHECK(!fresh.waiting_for_attachments());
  FUZZ_CHECK(equal(*result.packet, packet));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  Decoder decoder;  // the default limit of 10 attachments, as the server uses
  std::size_t start = 0;
  while (start <= input.size()) {
    const std::size_t end = std::min(input.find('\n', start), input.size());
    const std::string_view line = input.substr(start, end - start);
    start = end + 1;

    Decoder::Result result;
    if (!line.empty() && line[0] == 'b') {
      result = decoder.on_binary(line.substr(1));
    } else {
      result = decoder.on_text(!line.empty() && line[0] == 't' ? line.substr(1) : line);
    }
    FUZZ_CHECK(!(result.packet && !result.error.empty()));
    if (result.packet) {
      FUZZ_CHECK(!decoder.waiting_for_attachments());
      check_shape(*result.packet);
      check_round_trip(*result.packet);
    }
    // After an error the server closes the connection; keep feeding the same decoder anyway,
    // as a stricter test of its state handling.
  }
  return 0;
}
