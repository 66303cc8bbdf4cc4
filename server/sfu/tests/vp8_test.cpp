#include "sfu/vp8.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace confab::sfu {
namespace {

using Bytes = std::vector<std::uint8_t>;

TEST(Vp8, MinimalDescriptor) {
  // X=0, S=1, PID=0, then a keyframe payload header (P=0).
  const Bytes key = {0x10, 0x9C};
  const auto d = Vp8Descriptor::parse(key);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->size, 1u);
  EXPECT_TRUE(d->start_of_partition);
  EXPECT_FALSE(d->picture_id);
  EXPECT_TRUE(d->keyframe);
  EXPECT_TRUE(vp8_is_keyframe(key));
  EXPECT_FALSE(vp8_is_keyframe(Bytes{0x10, 0x9D}));  // P=1: interframe
  EXPECT_FALSE(vp8_is_keyframe(Bytes{0x00, 0x9C}));  // S=0: a continuation
  EXPECT_FALSE(vp8_is_keyframe(Bytes{0x11, 0x9C}));  // PID=1
}

TEST(Vp8, FullDescriptor15BitPictureId) {
  // X=1 N=1 S=1 PID=0 | I L T K | M=1 picture id 0x1234 | TL0PICIDX 7 | TID 2 Y=1 KEYIDX 5 | VP8
  const Bytes b = {0xB0, 0xF0, 0x80 | 0x12, 0x34, 7, (2 << 6) | 0x20 | 5, 0x9C};
  const auto d = Vp8Descriptor::parse(b);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->non_reference);
  EXPECT_TRUE(d->picture_id_15bit);
  EXPECT_EQ(d->picture_id, 0x1234);
  EXPECT_EQ(d->tl0picidx, 7);
  EXPECT_EQ(d->tid, 2);
  EXPECT_TRUE(d->layer_sync);
  EXPECT_EQ(d->keyidx, 5);
  EXPECT_EQ(d->size, 6u);
  EXPECT_TRUE(d->keyframe);
}

TEST(Vp8, SevenBitPictureIdAndOptionalFields) {
  // X=1, I only, M=0, picture id 0x55; interframe.
  const Bytes b = {0x90, 0x80, 0x55, 0x01};
  const auto d = Vp8Descriptor::parse(b);
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->picture_id_15bit);
  EXPECT_EQ(d->picture_id, 0x55);
  EXPECT_FALSE(d->tl0picidx);
  EXPECT_FALSE(d->tid);
  EXPECT_FALSE(d->keyidx);
  EXPECT_EQ(d->size, 3u);
  EXPECT_FALSE(d->keyframe);
  // K without T: KEYIDX only.
  const Bytes k = {0x90, 0x10, 0x03, 0x9C};
  const auto dk = Vp8Descriptor::parse(k);
  ASSERT_TRUE(dk);
  EXPECT_FALSE(dk->tid);
  EXPECT_EQ(dk->keyidx, 3);
}

TEST(Vp8, TruncatedRefused) {
  const Bytes full = {0xB0, 0xF0, 0x92, 0x34, 7, 0x65, 0x9C};
  for (std::size_t n = 0; n < full.size(); ++n) {
    EXPECT_FALSE(Vp8Descriptor::parse(std::span(full.data(), n))) << n;
  }
  EXPECT_TRUE(Vp8Descriptor::parse(full));
}

TEST(Vp8, RewritePictureIdAndTl0) {
  Bytes b = {0xB0, 0xC0, 0x80 | 0x12, 0x34, 7, 0x9C};
  EXPECT_TRUE(vp8_set_picture_id(b, 0x7FFF));
  EXPECT_EQ(Vp8Descriptor::parse(b)->picture_id, 0x7FFF);
  EXPECT_TRUE(vp8_set_picture_id(b, 0x8001));  // wraps at 15 bits
  EXPECT_EQ(Vp8Descriptor::parse(b)->picture_id, 1);
  EXPECT_TRUE(Vp8Descriptor::parse(b)->picture_id_15bit);
  EXPECT_TRUE(vp8_set_tl0picidx(b, 200));
  EXPECT_EQ(Vp8Descriptor::parse(b)->tl0picidx, 200);
  EXPECT_EQ(b.back(), 0x9C);  // the payload is untouched

  Bytes seven = {0x90, 0x80, 0x05, 0x9C};
  EXPECT_TRUE(vp8_set_picture_id(seven, 0x1FF));  // cut to 7 bits
  EXPECT_EQ(Vp8Descriptor::parse(seven)->picture_id, 0x7F);
  EXPECT_FALSE(Vp8Descriptor::parse(seven)->picture_id_15bit);
  EXPECT_FALSE(vp8_set_tl0picidx(seven, 1));

  Bytes none = {0x10, 0x9C};
  EXPECT_FALSE(vp8_set_picture_id(none, 1));
  EXPECT_EQ(none, (Bytes{0x10, 0x9C}));
}

}  // namespace
}  // namespace confab::sfu
