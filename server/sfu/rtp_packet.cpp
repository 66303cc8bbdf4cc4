#include "sfu/rtp_packet.hpp"

#include <algorithm>

#include "sfu/byte_io.hpp"

namespace confab::sfu {

namespace {
bool one_byte(std::uint16_t profile) {
  return profile == kOneByteExtensionProfile;
}
bool two_byte(std::uint16_t profile) {
  return (profile & kTwoByteExtensionProfileMask) == kTwoByteExtensionProfile;
}
}  // namespace

std::optional<RtpPacket> RtpPacket::parse(std::span<std::uint8_t> data) {
  // Offsets are kept in 16 bits; an RTP packet in a UDP datagram is smaller anyway.
  if (data.size() < kRtpHeaderSize || data.size() > 0xFFFF) return std::nullopt;
  const std::uint8_t* p = data.data();
  if ((p[0] >> 6) != 2) return std::nullopt;
  std::size_t offset = kRtpHeaderSize + 4 * std::size_t{p[0] & 0x0Fu};
  if (offset > data.size()) return std::nullopt;
  RtpPacket packet;
  packet.data_ = data;
  if ((p[0] & 0x10) != 0) {
    if (data.size() - offset < 4) return std::nullopt;
    const std::size_t length = 4 * std::size_t{load_u16(p + offset + 2)};
    if (data.size() - offset - 4 < length) return std::nullopt;
    packet.extension_offset_ = static_cast<std::uint16_t>(offset);
    packet.extension_size_ = static_cast<std::uint16_t>(length);
    offset += 4 + length;
  }
  std::size_t padding = 0;
  if ((p[0] & 0x20) != 0) {
    padding = data.back();
    if (padding == 0 || padding > data.size() - offset) return std::nullopt;
  }
  packet.payload_offset_ = static_cast<std::uint16_t>(offset);
  packet.padding_ = static_cast<std::uint8_t>(padding);
  return packet;
}

std::uint16_t RtpPacket::sequence() const {
  return load_u16(data_.data() + 2);
}
std::uint32_t RtpPacket::timestamp() const {
  return load_u32(data_.data() + 4);
}
std::uint32_t RtpPacket::ssrc() const {
  return load_u32(data_.data() + 8);
}

std::uint32_t RtpPacket::csrc(std::size_t index) const {
  if (index >= csrc_count()) return 0;
  return load_u32(data_.data() + kRtpHeaderSize + 4 * index);
}

void RtpPacket::set_payload_type(std::uint8_t pt) {
  data_[1] = static_cast<std::uint8_t>((data_[1] & 0x80) | (pt & 0x7F));
}
void RtpPacket::set_marker(bool marker) {
  data_[1] = static_cast<std::uint8_t>((data_[1] & 0x7F) | (marker ? 0x80 : 0));
}
void RtpPacket::set_sequence(std::uint16_t seq) {
  store_u16(data_.data() + 2, seq);
}
void RtpPacket::set_timestamp(std::uint32_t ts) {
  store_u32(data_.data() + 4, ts);
}
void RtpPacket::set_ssrc(std::uint32_t ssrc) {
  store_u32(data_.data() + 8, ssrc);
}

std::span<const std::uint8_t> RtpPacket::payload() const {
  return std::span<const std::uint8_t>(data_).subspan(payload_offset_,
                                                      data_.size() - payload_offset_ - padding_);
}

std::span<std::uint8_t> RtpPacket::mutable_payload() {
  return data_.subspan(payload_offset_, data_.size() - payload_offset_ - padding_);
}

std::uint16_t RtpPacket::extension_profile() const {
  if (extension_offset_ == 0) return 0;
  return load_u16(data_.data() + extension_offset_);
}

template <class F>
void RtpPacket::for_each_extension(F&& f) const {
  const std::uint16_t profile = extension_profile();
  const bool one = one_byte(profile);
  if (!one && !two_byte(profile)) return;
  const std::uint8_t* p = data_.data();
  std::size_t at = extension_offset_ + 4;
  const std::size_t end = at + extension_size_;
  while (at < end) {
    const std::size_t element = at;
    // Id 0 is a padding byte in either form; like libwebrtc, a one-byte header with id 0 and a
    // non-zero length is skipped as one byte too.
    if ((one ? p[at] >> 4 : p[at]) == 0) {
      ++at;
      continue;
    }
    std::uint8_t id = 0;
    std::size_t length = 0;
    if (one) {
      id = p[at] >> 4;
      length = (p[at] & 0x0F) + 1u;
      if (id == 15) return;  // reserved: stop reading (RFC 8285 4.2)
      at += 1;
    } else {
      if (end - at < 2) return;
      id = p[at];
      length = p[at + 1];
      at += 2;
    }
    if (end - at < length) return;
    if (!f(id, at, length, element, at + length - element)) return;
    at += length;
  }
}

std::optional<std::span<const std::uint8_t>> RtpPacket::extension(std::uint8_t id) const {
  if (id == 0) return std::nullopt;
  std::optional<std::span<const std::uint8_t>> found;
  for_each_extension([&](std::uint8_t element_id, std::size_t offset, std::size_t length,
                         std::size_t, std::size_t) {
    if (element_id != id) return true;
    found = std::span<const std::uint8_t>(data_).subspan(offset, length);
    return false;
  });
  return found;
}

std::optional<std::span<std::uint8_t>> RtpPacket::mutable_extension(std::uint8_t id) {
  const auto value = extension(id);
  if (!value) return std::nullopt;
  return data_.subspan(static_cast<std::size_t>(value->data() - data_.data()), value->size());
}

void RtpPacket::remap_extension_ids(const std::array<std::uint8_t, 256>& map) {
  const bool one = one_byte(extension_profile());
  std::uint8_t* p = data_.data();
  for_each_extension([&](std::uint8_t id, std::size_t, std::size_t, std::size_t element,
                         std::size_t element_length) {
    const std::uint8_t to = map[id];
    if (to == 0 || (one && to > 14)) {
      std::fill_n(p + element, element_length, std::uint8_t{0});
    } else if (one) {
      p[element] = static_cast<std::uint8_t>((to << 4) | (p[element] & 0x0F));
    } else {
      p[element] = to;
    }
    return true;
  });
}

std::optional<std::pair<bool, std::uint8_t>> RtpPacket::audio_level(std::uint8_t ext_id) const {
  const auto value = extension(ext_id);
  if (!value || value->empty()) return std::nullopt;
  const std::uint8_t b = (*value)[0];
  return std::pair<bool, std::uint8_t>((b & 0x80) != 0, static_cast<std::uint8_t>(b & 0x7F));
}

}  // namespace confab::sfu
