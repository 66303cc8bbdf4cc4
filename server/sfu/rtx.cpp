#include "sfu/rtx.hpp"

#include <algorithm>

#include "sfu/byte_io.hpp"

namespace confab::sfu {

namespace {
// Clears the P bit: the caller has cut the padding off.
void clear_padding_bit(std::span<std::uint8_t> packet) {
  packet[0] &= 0xDF;
}
}  // namespace

std::optional<std::uint16_t> rtx_original_sequence(const RtpPacket& rtx) {
  const auto payload = rtx.payload();
  if (payload.size() < 2) return std::nullopt;
  return load_u16(payload.data());
}

std::optional<std::size_t> rtx_decode(std::span<std::uint8_t> buffer, std::size_t size,
                                      std::uint8_t original_pt, std::uint32_t original_ssrc) {
  if (size > buffer.size()) return std::nullopt;
  auto packet = RtpPacket::parse(buffer.first(size));
  if (!packet) return std::nullopt;
  const auto osn = rtx_original_sequence(*packet);
  if (!osn) return std::nullopt;
  const std::size_t header = packet->header_size();
  const std::size_t media = packet->payload().size() - 2;
  std::uint8_t* p = buffer.data();
  std::copy(p + header + 2, p + header + 2 + media, p + header);
  packet->set_payload_type(original_pt);
  packet->set_ssrc(original_ssrc);
  packet->set_sequence(*osn);
  clear_padding_bit(buffer);
  return header + media;
}

std::optional<std::size_t> rtx_encode(std::span<std::uint8_t> buffer, std::size_t size,
                                      std::uint8_t rtx_pt, std::uint32_t rtx_ssrc,
                                      std::uint16_t rtx_seq) {
  if (size > buffer.size()) return std::nullopt;
  auto packet = RtpPacket::parse(buffer.first(size));
  if (!packet) return std::nullopt;
  const std::size_t header = packet->header_size();
  const std::size_t media = packet->payload().size();
  if (buffer.size() < header + 2 + media) return std::nullopt;
  std::uint8_t* p = buffer.data();
  std::copy_backward(p + header, p + header + media, p + header + 2 + media);
  store_u16(p + header, packet->sequence());
  packet->set_payload_type(rtx_pt);
  packet->set_ssrc(rtx_ssrc);
  packet->set_sequence(rtx_seq);
  clear_padding_bit(buffer);
  return header + 2 + media;
}

}  // namespace confab::sfu
