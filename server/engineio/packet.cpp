#include "engineio/packet.hpp"

#include "common/base64.hpp"

namespace confab::engineio {

std::optional<Packet> decode_text(std::string_view frame) {
  if (frame.empty() || frame[0] < '0' || frame[0] > '6') return std::nullopt;
  return Packet::of(static_cast<PacketType>(frame[0]), std::string(frame.substr(1)));
}

std::string encode_text(const Packet& p) {
  std::string out;
  out.reserve(p.data.size() + 1);
  out.push_back(static_cast<char>(p.type));
  out += p.data;
  return out;
}

std::optional<std::vector<Packet>> decode_payload(std::string_view body) {
  if (body.empty()) return std::nullopt;
  std::vector<Packet> packets;
  size_t start = 0;
  while (true) {
    const size_t end = body.find(kRecordSeparator, start);
    const std::string_view record =
        body.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!record.empty() && record[0] == 'b') {
      auto bytes = common::base64_decode(record.substr(1));
      if (!bytes) return std::nullopt;
      packets.push_back(Packet::bytes(std::move(*bytes)));
    } else {
      auto packet = decode_text(record);
      if (!packet) return std::nullopt;
      packets.push_back(std::move(*packet));
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return packets;
}

std::string encode_payload(const std::vector<Packet>& packets) {
  std::string out;
  for (const Packet& p : packets) {
    if (!out.empty()) out.push_back(kRecordSeparator);
    if (p.binary) {
      out.push_back('b');
      out += common::base64_encode(p.data);
    } else {
      out.push_back(static_cast<char>(p.type));
      out += p.data;
    }
  }
  return out;
}

}  // namespace confab::engineio
