#pragma once
// Per consumer of VP8 video: keeps the payload descriptor's picture id and TL0PICIDX continuous
// for the receiver, across simulcast switches (each layer numbers its pictures on its own) and
// across pictures the SFU does not forward (dropped temporal layers). A receiver that sees a
// gap in picture ids waits for the missing picture; one that sees a jump back after a switch
// throws frames away.
#include <cstdint>
#include <optional>
#include <span>

#include "sfu/vp8.hpp"

namespace confab::sfu {

class Vp8PictureRewriter {
 public:
  // The next forwarded picture comes from another stream (a keyframe of another layer): it
  // continues from the last picture sent.
  void switch_source() { pending_switch_ = true; }

  // A packet of the picture `d` goes out: its ids, rewritten in `payload` (in place).
  void forward(std::span<std::uint8_t> payload, const Vp8Descriptor& d);

  // A resent packet: the ids as the latest mapping gives them (that of its first sending unless
  // a picture was dropped since), no state changed.
  void rewrite_again(std::span<std::uint8_t> payload, const Vp8Descriptor& d) const;

  // The picture `d` is not forwarded (a temporal layer above the consumer's): later pictures
  // close its gap. Call it for each of its packets; it counts once.
  void drop(const Vp8Descriptor& d);

 private:
  static constexpr std::uint16_t kPictureIdMask = 0x7fff;

  bool started_ = false;
  bool pending_switch_ = false;
  std::uint16_t picture_offset_ = 0;  // output = source + offset (15 bits)
  std::uint8_t tl0_offset_ = 0;
  std::uint16_t last_source_picture_ = 0;
  std::uint16_t last_picture_ = 0;  // newest sent
  std::uint8_t last_tl0_ = 0;
  std::optional<std::uint16_t> last_dropped_;
};

}  // namespace confab::sfu
