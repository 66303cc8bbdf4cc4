#pragma once
// Engine.IO v4 packets and the HTTP long-polling payload (packets joined by \x1e,
// binary packets as 'b' + base64).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace confab::engineio {

enum class PacketType : char {
  open = '0',
  close = '1',
  ping = '2',
  pong = '3',
  message = '4',
  upgrade = '5',
  noop = '6',
};

struct Packet {
  PacketType type = PacketType::message;
  std::string data;
  bool binary = false;  // only for message packets

  static Packet text(std::string d) { return {PacketType::message, std::move(d), false}; }
  static Packet bytes(std::string d) { return {PacketType::message, std::move(d), true}; }
  static Packet of(PacketType t, std::string d = {}) { return {t, std::move(d), false}; }
  bool operator==(const Packet&) const = default;
};

constexpr char kRecordSeparator = '\x1e';

// A WebSocket text frame or one polling record: type digit followed by data.
std::optional<Packet> decode_text(std::string_view frame);
// A WebSocket binary frame is a binary message packet as it stands.
inline Packet decode_binary(std::string_view frame) {
  return Packet::bytes(std::string(frame));
}
// The text form for a WebSocket text frame (not valid for binary packets).
std::string encode_text(const Packet& p);

// Polling request/response bodies. nullopt on any malformed record.
std::optional<std::vector<Packet>> decode_payload(std::string_view body);
std::string encode_payload(const std::vector<Packet>& packets);

}  // namespace confab::engineio
