#include "sfu/vp8.hpp"

namespace confab::sfu {

namespace {

// Where the optional fields sit, from the first bytes; nothing if they run past the end.
struct Layout {
  std::size_t picture_id = 0;  // offsets; 0 = absent
  std::size_t tl0picidx = 0;
  std::size_t tid_keyidx = 0;
  bool picture_id_15bit = false;
  std::size_t size = 1;
};

std::optional<Layout> layout(std::span<const std::uint8_t> p) {
  if (p.empty()) return std::nullopt;
  Layout l;
  if ((p[0] & 0x80) == 0) return l;  // X = 0: the one required byte
  if (p.size() < 2) return std::nullopt;
  const std::uint8_t x = p[1];
  std::size_t at = 2;
  if (x & 0x80) {  // I
    if (p.size() < at + 1) return std::nullopt;
    l.picture_id = at;
    l.picture_id_15bit = (p[at] & 0x80) != 0;
    at += l.picture_id_15bit ? 2 : 1;
  }
  if (x & 0x40) l.tl0picidx = at++;   // L
  if (x & 0x30) l.tid_keyidx = at++;  // T or K
  if (p.size() < at) return std::nullopt;
  l.size = at;
  return l;
}

}  // namespace

std::optional<Vp8Descriptor> Vp8Descriptor::parse(std::span<const std::uint8_t> payload) {
  const auto l = layout(payload);
  if (!l || payload.size() <= l->size) return std::nullopt;
  Vp8Descriptor d;
  const std::uint8_t first = payload[0];
  d.non_reference = (first & 0x20) != 0;
  d.start_of_partition = (first & 0x10) != 0;
  d.partition_id = first & 0x0F;
  if (l->picture_id != 0) {
    d.picture_id_15bit = l->picture_id_15bit;
    const std::uint8_t hi = payload[l->picture_id];
    d.picture_id = d.picture_id_15bit
                       ? static_cast<std::uint16_t>(((hi & 0x7F) << 8) | payload[l->picture_id + 1])
                       : static_cast<std::uint16_t>(hi & 0x7F);
  }
  if (l->tl0picidx != 0) d.tl0picidx = payload[l->tl0picidx];
  if (l->tid_keyidx != 0) {
    const std::uint8_t x = payload[1];
    const std::uint8_t b = payload[l->tid_keyidx];
    if (x & 0x20) {  // T
      d.tid = static_cast<std::uint8_t>(b >> 6);
      d.layer_sync = (b & 0x20) != 0;
    }
    if (x & 0x10) d.keyidx = static_cast<std::uint8_t>(b & 0x1F);  // K
  }
  d.size = l->size;
  d.keyframe = d.start_of_partition && d.partition_id == 0 && (payload[l->size] & 0x01) == 0;
  return d;
}

bool vp8_is_keyframe(std::span<const std::uint8_t> payload) {
  const auto d = Vp8Descriptor::parse(payload);
  return d && d->keyframe;
}

bool vp8_set_picture_id(std::span<std::uint8_t> payload, std::uint16_t picture_id) {
  const auto l = layout(payload);
  if (!l || l->picture_id == 0) return false;
  if (l->picture_id_15bit) {
    payload[l->picture_id] = static_cast<std::uint8_t>(0x80 | ((picture_id >> 8) & 0x7F));
    payload[l->picture_id + 1] = static_cast<std::uint8_t>(picture_id);
  } else {
    payload[l->picture_id] = static_cast<std::uint8_t>(picture_id & 0x7F);
  }
  return true;
}

bool vp8_set_tl0picidx(std::span<std::uint8_t> payload, std::uint8_t tl0picidx) {
  const auto l = layout(payload);
  if (!l || l->tl0picidx == 0) return false;
  payload[l->tl0picidx] = tl0picidx;
  return true;
}

}  // namespace confab::sfu
