#pragma once
// Synthetic VP8 RTP payloads for tests: an RFC 7741 descriptor with a 15-bit picture id,
// TL0PICIDX and TID/Y, then a 3-byte frame tag (keyframe or not) and filler. The SFU reads only
// the descriptor and the tag.
#include <cstdint>
#include <vector>

namespace confab::sfu::testing {

struct Vp8Picture {
  std::uint16_t picture_id = 0;
  std::uint8_t tl0picidx = 0;
  std::uint8_t tid = 0;
  bool layer_sync = false;
  bool keyframe = false;
  bool start = true;  // the first packet of the picture
  std::uint8_t fill = 0;
  std::size_t size = 80;  // the whole payload
};

inline std::vector<std::uint8_t> vp8_payload(const Vp8Picture& p) {
  std::vector<std::uint8_t> out = {
      static_cast<std::uint8_t>(0x80 | (p.start ? 0x10 : 0x00)),  // X, S, PID 0
      0xe0,                                                       // I, L, T
      static_cast<std::uint8_t>(0x80 | ((p.picture_id >> 8) & 0x7f)),
      static_cast<std::uint8_t>(p.picture_id & 0xff),
      p.tl0picidx,
      static_cast<std::uint8_t>(p.tid << 6 | (p.layer_sync ? 0x20 : 0)),
      static_cast<std::uint8_t>(p.keyframe ? 0x50 : 0x51),  // frame tag: P bit
      0x03,
      0x00,
      0x9d,
      0x01,
      0x2a};
  out.resize(p.size, p.fill);
  return out;
}

}  // namespace confab::sfu::testing
