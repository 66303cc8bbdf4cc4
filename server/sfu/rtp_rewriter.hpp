#pragma once
// Per consumer: maps the forwarded source's (sequence, timestamp) to one continuous output
// stream. Output sequence numbers have no gap the receiver would NACK when forwarding pauses or
// the source changes (resync), and timestamps keep moving forward.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "sfu/seq_math.hpp"

namespace confab::sfu {

class RtpRewriter {
 public:
  struct Out {
    std::uint16_t seq;
    std::uint32_t ts;
    bool operator==(const Out&) const = default;
  };

  // The very first packet goes out as (first_seq, first_ts) (random values, as RFC 3550 asks);
  // by default it keeps the source's own numbers.
  RtpRewriter() = default;
  RtpRewriter(std::uint16_t first_seq, std::uint32_t first_ts)
      : start_seq_(first_seq), start_ts_(first_ts), fixed_start_(true) {}

  // The output numbers for a source packet, or nothing to drop it: a packet older than the first
  // one after the latest resync (the switch point), one given to drop(), or one older than the
  // remembered drops is dropped. The others keep their order and spacing less the drops between
  // them (reordered and retransmitted ones included).
  std::optional<Out> rewrite(std::uint16_t seq, std::uint32_t ts);

  // Starts a new segment: the next packet rewritten (from the same or another source) goes out
  // as last output seq + 1 with a timestamp `ts_gap` after the last output timestamp (at least
  // 1). Call it when forwarding resumes after a pause, or on a switch of source stream (at a
  // keyframe); pass the elapsed time since the last forwarded packet in clock units
  // (ts_gap_for). Before any packet went out it does nothing.
  void resync(std::uint32_t ts_gap = 1);

  // The source packet `seq` will not be forwarded (padding only, a layer not sent): later
  // packets close the gap, so the receiver sees no loss, and a copy of it arriving later is
  // dropped. Works for a packet newer than any seen in the segment; for an older one (its
  // successors already went out numbered) it returns false and changes nothing.
  bool drop(std::uint16_t seq);

  // The reverse mapping, for a receiver's NACK: the source sequence number that went out as
  // `out_seq` in the current segment, so the packet can be fetched from the source's
  // retransmission buffer (and rewritten again). Nothing if `out_seq` was not sent in this
  // segment (before the latest resync, not yet sent, or older than the remembered drops).
  std::optional<std::uint16_t> source_of(std::uint16_t out_seq) const;

  // `elapsed` in RTP clock units at `clock_rate` Hz (at least 1).
  static std::uint32_t ts_gap_for(std::chrono::nanoseconds elapsed, std::uint32_t clock_rate);

  // The highest output so far (for an SR: the consumer's RTP time).
  std::optional<Out> last() const;

  // What the current segment adds to a source timestamp (output = source + offset, mod 2^32):
  // translates the source's RTP clock, as in its sender reports, into the output's. Nothing
  // before the first packet.
  std::optional<std::uint32_t> timestamp_offset() const;

 private:
  std::uint16_t start_seq_ = 0;
  std::uint32_t start_ts_ = 0;
  bool fixed_start_ = false;

  bool started_ = false;
  bool pending_resync_ = false;
  std::uint32_t resync_gap_ = 1;
  // How many dropped source packets come before unwrapped source seq `s` (in this segment);
  // nothing if that is no longer known (older than the remembered drops).
  std::optional<std::int64_t> drops_before(std::int64_t s) const;
  bool dropped(std::int64_t s) const;
  // How many drops lie in [lo, hi); nothing if some of them may be forgotten.
  std::optional<std::int64_t> drops_between(std::int64_t lo, std::int64_t hi) const;

  static constexpr std::size_t kRememberedDrops = 64;

  SeqUnwrapper source_;            // source sequence, within the current segment
  std::int64_t segment_base_ = 0;  // unwrapped source seq of the segment's first packet
  std::uint16_t segment_out_ = 0;  // its output seq
  std::uint32_t ts_offset_ = 0;
  // The latest drops of this segment (unwrapped, increasing), in a ring, and how many in all.
  std::array<std::int64_t, kRememberedDrops> drops_{};
  std::size_t drop_count_ = 0;
  std::int64_t last_index_ = 0;   // the highest output's index in the segment (0 = first)
  std::int64_t last_source_ = 0;  // and its unwrapped source seq
  std::uint16_t last_seq_ = 0;    // newest output
  std::uint32_t last_ts_ = 0;
};

}  // namespace confab::sfu
