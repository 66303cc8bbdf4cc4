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
//    attachment per binary value;
//  - the text path (peek_event + JsonText, for events with a text handler) agrees with the
//    decoder: where both accept an EVENT, its arguments and an object's fields, read as text
//    spans, parse to exactly the decoder's values.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.hpp"
#include "json/json_text.hpp"
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

void check_text_path(std::string_view message) {
  const auto header = confab::socketio::peek_event(message);
  if (!header) return;
  confab::json::JsonText reader(confab::socketio::kMaxJsonDepth);
  std::size_t attachments = 0;
  std::string error;
  const auto packet = confab::socketio::parse(message, attachments, error);
  if (!packet || !reader.valid(header->data)) return;  // either one refusing closes the connection
  FUZZ_CHECK(packet->nsp == header->nsp && packet->id == header->id);
  std::vector<std::string_view> elements;
  FUZZ_CHECK(reader.elements(header->data, elements));
  FUZZ_CHECK(elements.size() == packet->data->size());
  for (std::size_t i = 0; i < elements.size(); ++i) {
    const json& value = (*packet->data)[i];
    FUZZ_CHECK(json::parse(elements[i]) == value);
    std::vector<confab::json::JsonField> fields;
    FUZZ_CHECK(reader.fields(elements[i], fields) == value.is_object());
    for (const auto& field : fields) {
      const json one = json::parse("{" + std::string(field.text) + "}");
      FUZZ_CHECK(one.size() == 1 && one.begin().key() == field.key);
      FUZZ_CHECK(json::parse(field.value) == one.begin().value());
    }
  }
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
      const std::string_view text = !line.empty() && line[0] == 't' ? line.substr(1) : line;
      check_text_path(text);
      result = decoder.on_text(text);
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
