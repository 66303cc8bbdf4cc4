// Fuzzes the Engine.IO v4 codec: decode_text (a WebSocket text frame), decode_payload (an HTTP
// long-polling body: records joined by \x1e, binary records as 'b' + base64) and base64.
//
// Invariants:
//  - decoding never crashes, whatever the bytes;
//  - decode_text is lossless: encode_text(decode_text(f)) == f;
//  - what decode_payload accepts re-encodes to exactly the input (base64_decode accepts only
//    canonical base64, so no two bodies decode to the same packets);
//  - base64 and base64url round-trip, and what their decoders accept is canonical;
//  - the input cut into packets (see packets_from) survives encode_payload → decode_payload.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/base64.hpp"
#include "engineio/packet.hpp"
#include "fuzz/fuzz_check.hpp"

namespace {

using confab::engineio::Packet;
using confab::engineio::PacketType;

void check_text_frame(std::string_view frame) {
  const auto packet = confab::engineio::decode_text(frame);
  if (!packet) return;
  FUZZ_CHECK(!packet->binary);
  FUZZ_CHECK(confab::engineio::encode_text(*packet) == frame);
}

void check_payload(std::string_view body) {
  const auto packets = confab::engineio::decode_payload(body);
  if (!packets) return;
  FUZZ_CHECK(!packets->empty());
  const std::string again = confab::engineio::encode_payload(*packets);
  FUZZ_CHECK(again == body);
}

void check_base64(std::string_view bytes) {
  const std::string text = confab::common::base64_encode(bytes);
  FUZZ_CHECK(text.size() % 4 == 0);
  const auto back = confab::common::base64_decode(text);
  FUZZ_CHECK(back && *back == bytes);
  // Decoding the input itself as base64: if accepted, it was canonical.
  if (const auto decoded = confab::common::base64_decode(bytes)) {
    const std::string canonical = confab::common::base64_encode(*decoded);
    FUZZ_CHECK(canonical == bytes);
  }
  const auto url = confab::common::base64url_decode(confab::common::base64url_encode(bytes));
  FUZZ_CHECK(url && *url == bytes);
  if (const auto decoded = confab::common::base64url_decode(bytes)) {
    FUZZ_CHECK(confab::common::base64url_encode(*decoded) == bytes);
  }
}

// The encoding direction: cut the input at '\n' into packets; a line starting with 'b' is a
// binary message of the remaining bytes, any other line is a text packet whose type is the
// line's first byte mod 7 and whose data is the rest (without \x1e, which cannot appear in a
// text record).
std::vector<Packet> packets_from(std::string_view input) {
  std::vector<Packet> packets;
  std::size_t start = 0;
  while (start <= input.size() && packets.size() < 64) {
    const std::size_t end = std::min(input.find('\n', start), input.size());
    std::string_view line = input.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line[0] == 'b') {
      packets.push_back(Packet::bytes(std::string(line.substr(1))));
      continue;
    }
    const auto type =
        static_cast<PacketType>('0' + (line.empty() ? 4 : static_cast<unsigned char>(line[0]) % 7));
    std::string data(line.empty() ? line : line.substr(1));
    std::erase(data, confab::engineio::kRecordSeparator);
    packets.push_back(Packet::of(type, std::move(data)));
  }
  return packets;
}

void check_encode_direction(std::string_view input) {
  const auto packets = packets_from(input);
  const std::string body = confab::engineio::encode_payload(packets);
  const auto decoded = confab::engineio::decode_payload(body);
  FUZZ_CHECK(decoded && *decoded == packets);
  for (const Packet& p : packets) {
    if (p.binary) continue;
    const auto one = confab::engineio::decode_text(confab::engineio::encode_text(p));
    FUZZ_CHECK(one && *one == p);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_text_frame(input);
  check_payload(input);
  check_base64(input);
  check_encode_direction(input);
  return 0;
}
