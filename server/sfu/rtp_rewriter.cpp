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
    last_index_ = 0;
    last_source_ = segment_base_;
    last_seq_ = out_seq;
    last_ts_ = out_ts;
    return Out{out_seq, out_ts};
  }
  const std::int64_t s = source_.peek(seq);
  if (s < segment_base_ || dropped(s)) return std::nullopt;  // before the switch, or dropped
  const auto skipped = drops_before(s);
  if (!skipped) return std::nullopt;  // too old to number
  source_.unwrap(seq);
  const std::int64_t index = s - segment_base_ - *skipped;
  const Out out{static_cast<std::uint16_t>(segment_out_ + index), ts + ts_offset_};
  // The highest output so far (a late packet can be it, when the newest source packets were
  // dropped): where a resync continues from.
  if (index > last_index_) {
    last_index_ = index;
    last_source_ = s;
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
  // Newest first; they only decrease, so a newest packet costs one comparison.
  for (std::size_t i = 0; i < known; ++i) {
    const std::int64_t d = drops_[(drop_count_ - 1 - i) % kRememberedDrops];
    if (d == s) return true;
    if (d < s) return false;
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

std::optional<std::uint16_t> RtpRewriter::source_of(std::uint16_t out_seq) const {
  if (!started_) return std::nullopt;
  const std::int64_t back = -seq_diff(out_seq, last_seq_);  // outputs before the highest
  if (back < 0 || back > last_index_) return std::nullopt;
  // The source packet `back` forwarded packets below the highest output's: the largest s with
  // s = last_source_ - back - (drops in [s, last_source_)). Walking down from s = last - back
  // reaches it within the number of drops, and it is never a dropped one.
  const std::int64_t start = last_source_ - back;
  std::int64_t s = start;
  for (;;) {
    const auto between = drops_between(s, last_source_);
    if (!between) return std::nullopt;
    const std::int64_t next = start - *between;
    if (next == s) return static_cast<std::uint16_t>(s);
    s = next;
  }
}

std::optional<std::int64_t> RtpRewriter::drops_between(std::int64_t lo, std::int64_t hi) const {
  const std::size_t known = std::min(drop_count_, kRememberedDrops);
  std::int64_t n = 0;
  for (std::size_t i = 0; i < known; ++i) {
    const std::int64_t d = drops_[(drop_count_ - 1 - i) % kRememberedDrops];
    if (d < lo) return n;
    if (d < hi) ++n;
  }
  if (drop_count_ > kRememberedDrops) return std::nullopt;  // older drops are forgotten
  return n;
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

std::optional<std::uint32_t> RtpRewriter::timestamp_offset() const {
  if (!started_) return std::nullopt;
  return ts_offset_;
}

}  // namespace confab::sfu
