#pragma once
// A mutable view over one RTP packet (RFC 3550) with RFC 8285 header extensions. It owns
// nothing: setters write into the caller's bytes.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

namespace confab::sfu {

constexpr std::size_t kRtpHeaderSize = 12;
constexpr std::uint16_t kOneByteExtensionProfile = 0xBEDE;
// Two-byte form: 0x100 followed by 4 application bits (RFC 8285 4.3).
constexpr std::uint16_t kTwoByteExtensionProfileMask = 0xFFF0;
constexpr std::uint16_t kTwoByteExtensionProfile = 0x1000;

// An extension id map for remap_extension_ids: every id to itself.
constexpr std::array<std::uint8_t, 256> identity_extension_map() {
  std::array<std::uint8_t, 256> map{};
  for (std::size_t i = 0; i < map.size(); ++i) map[i] = static_cast<std::uint8_t>(i);
  return map;
}

class RtpPacket {
 public:
  // Checks version 2, that the CSRCs, the extension block and the padding fit, and that a
  // padding count is at least 1. Extension elements are read lazily: a malformed element ends
  // the walk (what came before it stays readable), it does not refuse the packet.
  static std::optional<RtpPacket> parse(std::span<std::uint8_t> data);
  static std::optional<RtpPacket> parse(std::vector<std::uint8_t>&&) = delete;

  std::uint8_t payload_type() const { return data_[1] & 0x7F; }
  bool marker() const { return (data_[1] & 0x80) != 0; }
  std::uint16_t sequence() const;
  std::uint32_t timestamp() const;
  std::uint32_t ssrc() const;
  std::size_t csrc_count() const { return data_[0] & 0x0F; }
  std::uint32_t csrc(std::size_t index) const;
  bool has_padding() const { return padding_ != 0; }

  void set_payload_type(std::uint8_t pt);
  void set_marker(bool marker);
  void set_sequence(std::uint16_t seq);
  void set_timestamp(std::uint32_t ts);
  void set_ssrc(std::uint32_t ssrc);

  // Everything before the payload: fixed header, CSRCs, extension block.
  std::size_t header_size() const { return payload_offset_; }
  std::size_t padding_size() const { return padding_; }
  // The payload without padding.
  std::span<const std::uint8_t> payload() const;
  std::span<std::uint8_t> mutable_payload();
  std::size_t size() const { return data_.size(); }
  std::span<std::uint8_t> data() { return data_; }
  std::span<const std::uint8_t> data() const { return data_; }

  bool has_extensions() const { return extension_offset_ != 0; }
  // 0xBEDE, 0x100X, or another profile's (whose elements this class does not read); 0 if none.
  std::uint16_t extension_profile() const;
  // The value of extension element `id` (1..14 one-byte form, 1..255 two-byte form); the first
  // one counts. Nothing if absent or in an unknown profile.
  std::optional<std::span<const std::uint8_t>> extension(std::uint8_t id) const;
  // The same, writable in place (e.g. a transport-wide sequence number written per consumer).
  std::optional<std::span<std::uint8_t>> mutable_extension(std::uint8_t id);
  // Rewrites every element's id through `map` in place: the new id is map[id]; 0 removes the
  // element (its bytes become padding, which receivers skip). In the one-byte form a new id
  // above 14 also removes it. Use identity_extension_map() as the start of a map.
  void remap_extension_ids(const std::array<std::uint8_t, 256>& map);
  // RFC 6464 audio level in extension `ext_id`: (voice activity, level in -dBov 0..127).
  std::optional<std::pair<bool, std::uint8_t>> audio_level(std::uint8_t ext_id) const;

 private:
  RtpPacket() = default;
  // Calls f(id, value_offset, value_length, element_offset, element_length) for each element
  // until it returns false or the block ends.
  template <class F>
  void for_each_extension(F&& f) const;

  std::span<std::uint8_t> data_;
  std::uint16_t extension_offset_ = 0;  // of the 4-byte extension header; 0 = none
  std::uint16_t extension_size_ = 0;    // of the elements, after the 4-byte header
  std::uint16_t payload_offset_ = 0;
  std::uint8_t padding_ = 0;
};

}  // namespace confab::sfu
