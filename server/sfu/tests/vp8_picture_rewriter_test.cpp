#include "sfu/vp8_picture_rewriter.hpp"

#include <gtest/gtest.h>

#include "sfu/tests/vp8_payloads.hpp"
#include "sfu/vp8.hpp"

namespace confab::sfu {
namespace {

using testing::vp8_payload;
using testing::Vp8Picture;

// Forwards one packet of `p` through `r`; returns the (picture id, tl0picidx) it went out with.
std::pair<std::uint16_t, std::uint8_t> forward(Vp8PictureRewriter& r, const Vp8Picture& p) {
  auto payload = vp8_payload(p);
  const auto d = Vp8Descriptor::parse(payload);
  EXPECT_TRUE(d.has_value());
  r.forward(payload, *d);
  const auto out = Vp8Descriptor::parse(payload);
  return {*out->picture_id, *out->tl0picidx};
}

void drop(Vp8PictureRewriter& r, const Vp8Picture& p) {
  const auto payload = vp8_payload(p);
  r.drop(*Vp8Descriptor::parse(payload));
}

TEST(Vp8PictureRewriter, TheFirstStreamKeepsItsNumbers) {
  Vp8PictureRewriter r;
  EXPECT_EQ(forward(r, {.picture_id = 500, .tl0picidx = 7, .keyframe = true}),
            std::pair(std::uint16_t{500}, std::uint8_t{7}));
  EXPECT_EQ(forward(r, {.picture_id = 501, .tl0picidx = 8}),
            std::pair(std::uint16_t{501}, std::uint8_t{8}));
}

TEST(Vp8PictureRewriter, ASwitchContinuesFromTheLastPictureSent) {
  Vp8PictureRewriter r;
  forward(r, {.picture_id = 100, .tl0picidx = 10, .keyframe = true});
  forward(r, {.picture_id = 101, .tl0picidx = 11});
  r.switch_source();
  // The other layer numbers its pictures far away.
  EXPECT_EQ(forward(r, {.picture_id = 20000, .tl0picidx = 200, .keyframe = true}),
            std::pair(std::uint16_t{102}, std::uint8_t{12}));
  EXPECT_EQ(forward(r, {.picture_id = 20000, .tl0picidx = 200, .start = false}),
            std::pair(std::uint16_t{102}, std::uint8_t{12}))
      << "the same picture's next packet";
  EXPECT_EQ(forward(r, {.picture_id = 20001, .tl0picidx = 201}),
            std::pair(std::uint16_t{103}, std::uint8_t{13}));
}

TEST(Vp8PictureRewriter, PictureIdsWrapAt15Bits) {
  Vp8PictureRewriter r;
  forward(r, {.picture_id = 0x7ffe, .tl0picidx = 255, .keyframe = true});
  r.switch_source();
  EXPECT_EQ(forward(r, {.picture_id = 3, .tl0picidx = 0, .keyframe = true}),
            std::pair(std::uint16_t{0x7fff}, std::uint8_t{0}));
  EXPECT_EQ(forward(r, {.picture_id = 4, .tl0picidx = 1}),
            std::pair(std::uint16_t{0}, std::uint8_t{1}));
}

TEST(Vp8PictureRewriter, DroppedPicturesLeaveNoGap) {
  Vp8PictureRewriter r;
  forward(r, {.picture_id = 10, .tl0picidx = 1, .tid = 0, .keyframe = true});
  drop(r, {.picture_id = 11, .tl0picidx = 1, .tid = 2});
  drop(r, {.picture_id = 11, .tl0picidx = 1, .tid = 2, .start = false});  // counted once
  EXPECT_EQ(forward(r, {.picture_id = 12, .tl0picidx = 1, .tid = 1}).first, 11);
  drop(r, {.picture_id = 13, .tl0picidx = 1, .tid = 2});
  EXPECT_EQ(forward(r, {.picture_id = 14, .tl0picidx = 2, .tid = 0}).first, 12);
  // An old picture dropped late (reordered) changes nothing.
  drop(r, {.picture_id = 9, .tl0picidx = 1, .tid = 2});
  EXPECT_EQ(forward(r, {.picture_id = 15, .tl0picidx = 2, .tid = 2}).first, 13);
}

TEST(Vp8PictureRewriter, AResentPacketGetsTheIdsItWentOutWith) {
  Vp8PictureRewriter r;
  forward(r, {.picture_id = 100, .tl0picidx = 10, .keyframe = true});
  r.switch_source();
  forward(r, {.picture_id = 900, .tl0picidx = 90, .keyframe = true});
  auto resent = vp8_payload({.picture_id = 900, .tl0picidx = 90, .keyframe = true});
  r.rewrite_again(resent, *Vp8Descriptor::parse(resent));
  const auto d = Vp8Descriptor::parse(resent);
  EXPECT_EQ(*d->picture_id, 101);
  EXPECT_EQ(*d->tl0picidx, 11);
}

}  // namespace
}  // namespace confab::sfu
