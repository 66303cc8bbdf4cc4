#include "sfu/rtx.hpp"

#include <cstring>

#include "sfu/rtp_packet.hpp"

namespace confab::sfu {

bool unwrap_rtx(std::span<std::uint8_t> data, std::size_t& len, std::uint32_t ssrc,
                std::uint8_t payload_type) {
  auto packet = RtpPacket::parse(data.first(len));
  if (!packet || packet->payload().size() < 2) return false;
  const std::size_t header = packet->header_size();
  const auto osn = static_cast<std::uint16_t>((data[header] << 8) | data[header + 1]);
  packet->set_ssrc(ssrc);
  packet->set_payload_type(payload_type);
  packet->set_sequence(osn);
  std::memmove(data.data() + header, data.data() + header + 2, len - header - 2);
  len -= 2;
  return true;
}

bool wrap_rtx(std::span<std::uint8_t> buffer, std::size_t& len, std::uint32_t rtx_ssrc,
              std::uint8_t rtx_payload_type, std::uint16_t rtx_sequence) {
  if (len + 2 > buffer.size()) return false;
  auto packet = RtpPacket::parse(buffer.first(len));
  if (!packet) return false;
  const std::size_t header = packet->header_size();
  const std::uint16_t osn = packet->sequence();
  packet->set_ssrc(rtx_ssrc);
  packet->set_payload_type(rtx_payload_type);
  packet->set_sequence(rtx_sequence);
  std::memmove(buffer.data() + header + 2, buffer.data() + header, len - header);
  buffer[header] = static_cast<std::uint8_t>(osn >> 8);
  buffer[header + 1] = static_cast<std::uint8_t>(osn & 0xff);
  len += 2;
  return true;
}

}  // namespace confab::sfu
