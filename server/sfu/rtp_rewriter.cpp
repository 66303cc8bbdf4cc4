#include "sfu/rtp_rewriter.hpp"

#include <algorithm>

namespace confab::sfu {

std::optional<RtpRewriter::Out> RtpRewriter::rewrite(std::uint16_t seq, std::uint32_t ts) {
  if (!started_ || pending_resync_) {
    std::uint16_t out_seq = fixed_start_ ? start_seq_ : seq;
    std::uint32_t out_ts = fixed_start_ ? start_ts_ : ts;
    if (started_) {
      out_seq = static_cast<std::uint16_t>(last_seq_ + 1);
      out_ts = last_ts_ + resync_gap_;
    }
    started_ = true;
    pending_resync_ = false;
    source_.reset();
    segment_base_ = source_.unwrap(seq);
    segment_out_ = out_seq;
    ts_offset_ = out_ts - ts;
    drop_count_ = 0;
    last_seq_ = out_seq;
    last_ts_ = out_ts;
    return Out{out_seq, out_ts};
  }
  const bool newest = source_.peek(seq) > source_.newest();
  const std::int64_t s = source_.peek(seq);
  if (s < segment_base_ || dropped(s)) return std::nullopt;  // before the switch, or dropped
  const auto skipped = drops_before(s);
  if (!skipped) return std::nullopt;  // too old to number
  source_.unwrap(seq);
  const Out out{static_cast<std::uint16_t>(segment_out_ + (s - segment_base_) - *skipped),
                ts + ts_offset_};
  if (newest) {
    last_seq_ = out.seq;
    last_ts_ = out.ts;
  }
  return out;
}

bool RtpRewriter::drop(std::uint16_t seq) {
  if (!started_ || pending_resync_) return true;  // nothing numbered yet: nothing to close
  const std::int64_t s = source_.peek(seq);
  if (s <= source_.newest()) return dropped(s);
  source_.unwrap(seq);
  drops_[drop_count_ % kRememberedDrops] = s;
  ++drop_count_;
  return true;
}

bool RtpRewriter::dropped(std::int64_t s) const {
  const std::size_t known = std::min(drop_count_, kRememberedDrops);
  for (std::size_t i = 0; i < known; ++i) {
    if (drops_[(drop_count_ - 1 - i) % kRememberedDrops] == s) return true;
  }
  return false;
}

std::optional<std::int64_t> RtpRewriter::drops_before(std::int64_t s) const {
  // Drops are recorded in increasing order: count back from the newest while they are >= s.
  const std::size_t known = std::min(drop_count_, kRememberedDrops);
  std::size_t not_before = 0;
  while (not_before < known && drops_[(drop_count_ - 1 - not_before) % kRememberedDrops] >= s) {
    ++not_before;
  }
  if (not_before == known && drop_count_ > kRememberedDrops) return std::nullopt;
  return static_cast<std::int64_t>(drop_count_ - not_before);
}

void RtpRewriter::resync(std::uint32_t ts_gap) {
  if (!started_) return;
  pending_resync_ = true;
  resync_gap_ = std::max<std::uint32_t>(ts_gap, 1);
}

std::uint32_t RtpRewriter::ts_gap_for(std::chrono::nanoseconds elapsed, std::uint32_t clock_rate) {
  if (elapsed.count() <= 0) return 1;
  // Milliseconds keep the product in range for any realistic pause and rate.
  const auto ms = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count());
  const std::uint64_t units = ms * clock_rate / 1000;
  return static_cast<std::uint32_t>(std::clamp<std::uint64_t>(units, 1, 0x7FFFFFFF));
}

std::optional<RtpRewriter::Out> RtpRewriter::last() const {
  if (!started_) return std::nullopt;
  return Out{last_seq_, last_ts_};
}

}  // namespace confab::sfu
