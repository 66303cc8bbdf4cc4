#pragma once
// The VP8 RTP payload descriptor (RFC 7741 4.2): read it, tell keyframes, and rewrite the
// picture id and TL0PICIDX in place (to keep them continuous across simulcast switches).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace confab::sfu {

struct Vp8Descriptor {
  bool non_reference = false;       // N
  bool start_of_partition = false;  // S
  std::uint8_t partition_id = 0;    // PID
  std::optional<std::uint16_t> picture_id;
  bool picture_id_15bit = false;  // M: the field is 15 bits (else 7)
  std::optional<std::uint8_t> tl0picidx;
  std::optional<std::uint8_t> tid;  // temporal layer index
  bool layer_sync = false;          // Y (meaningful with tid)
  std::optional<std::uint8_t> keyidx;
  std::size_t size = 0;   // descriptor bytes before the VP8 payload
  bool keyframe = false;  // S=1, PID=0 and the payload header's P bit 0

  // Nothing if `payload` is shorter than the descriptor says, or has no VP8 byte after it.
  static std::optional<Vp8Descriptor> parse(std::span<const std::uint8_t> payload);
};

// True if the RTP payload starts a VP8 keyframe.
bool vp8_is_keyframe(std::span<const std::uint8_t> payload);

// Write a new picture id (cut to the field's existing width, 7 or 15 bits) / TL0PICIDX into the
// descriptor at the start of `payload`; false if it has no such field.
bool vp8_set_picture_id(std::span<std::uint8_t> payload, std::uint16_t picture_id);
bool vp8_set_tl0picidx(std::span<std::uint8_t> payload, std::uint8_t tl0picidx);

}  // namespace confab::sfu
