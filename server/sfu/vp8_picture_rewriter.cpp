#include "sfu/vp8_picture_rewriter.hpp"

namespace confab::sfu {
namespace {

// Is `a` after `b` in 15-bit picture id space?
bool picture_newer(std::uint16_t a, std::uint16_t b) {
  const auto diff = static_cast<std::uint16_t>((a - b) & 0x7fff);
  return diff != 0 && diff < 0x4000;
}

}  // namespace

void Vp8PictureRewriter::forward(std::span<std::uint8_t> payload, const Vp8Descriptor& d) {
  if (!d.picture_id) return;
  const std::uint16_t source = *d.picture_id & kPictureIdMask;
  if (pending_switch_ || !started_) {
    if (started_) {
      picture_offset_ = static_cast<std::uint16_t>((last_picture_ + 1 - source) & kPictureIdMask);
      if (d.tl0picidx) tl0_offset_ = static_cast<std::uint8_t>(last_tl0_ + 1 - *d.tl0picidx);
    }
    started_ = true;
    pending_switch_ = false;
    last_source_picture_ = source;
    last_dropped_.reset();
    last_picture_ = static_cast<std::uint16_t>((source + picture_offset_) & kPictureIdMask);
  }
  const auto picture = static_cast<std::uint16_t>((source + picture_offset_) & kPictureIdMask);
  if (picture_newer(source, last_source_picture_)) last_source_picture_ = source;
  if (picture_newer(picture, last_picture_)) last_picture_ = picture;
  if (d.tl0picidx && picture == last_picture_) {
    last_tl0_ = static_cast<std::uint8_t>(*d.tl0picidx + tl0_offset_);
  }
  rewrite_again(payload, d);
}

void Vp8PictureRewriter::rewrite_again(std::span<std::uint8_t> payload,
                                       const Vp8Descriptor& d) const {
  if (!d.picture_id || !started_) return;
  vp8_set_picture_id(
      payload, static_cast<std::uint16_t>((*d.picture_id + picture_offset_) & kPictureIdMask));
  if (d.tl0picidx) {
    vp8_set_tl0picidx(payload, static_cast<std::uint8_t>(*d.tl0picidx + tl0_offset_));
  }
}

void Vp8PictureRewriter::drop(const Vp8Descriptor& d) {
  if (!d.picture_id || !started_ || pending_switch_) return;
  const std::uint16_t source = *d.picture_id & kPictureIdMask;
  // Only a picture after everything sent can be skipped over; an old one is simply gone.
  if (!picture_newer(source, last_source_picture_) || last_dropped_ == source) return;
  last_dropped_ = source;
  last_source_picture_ = source;
  picture_offset_ = static_cast<std::uint16_t>((picture_offset_ - 1) & kPictureIdMask);
}

}  // namespace confab::sfu
