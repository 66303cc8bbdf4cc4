#pragma once
// Per published stream: finds the sequence numbers missing from what the publisher sends and
// says which to NACK when, with retries, so the SFU can recover losses on the publisher's leg.
// Galène NACKs once a packet is 2 late, mediasoup on a timer with up to 10 tries; this does
// both: a missing packet is asked for when two newer ones arrived or after `first_delay`, then
// again every retry interval (the RTT when known), at most `max_tries` times, and forgotten
// after `max_age`. Too many missing at once asks for a keyframe instead.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "sfu/seq_math.hpp"

namespace confab::sfu {

class NackGenerator {
 public:
  using Clock = std::chrono::steady_clock;

  struct Config {
    int reorder_threshold = 2;  // NACK once this many newer packets arrived...
    Clock::duration first_delay = std::chrono::milliseconds(20);     // ...or this long after
    Clock::duration retry_interval = std::chrono::milliseconds(40);  // until an RTT is known
    Clock::duration min_retry_interval = std::chrono::milliseconds(20);
    int max_tries = 10;
    Clock::duration max_age = std::chrono::seconds(1);
    std::size_t max_missing = 256;  // more missing at once: forget them, ask a keyframe
  };

  NackGenerator() : NackGenerator(Config{}) {}
  explicit NackGenerator(const Config& config);

  // A packet arrived. True if it is one we were missing (a retransmission or a late one).
  // `keyframe`: it starts a keyframe, so nothing older needs recovering any more.
  bool on_packet(std::uint16_t seq, Clock::time_point now, bool keyframe = false);

  // The sequence numbers to NACK now, oldest first (valid until the next call). Counts a try
  // for each; drops those out of tries or too old.
  std::span<const std::uint16_t> collect(Clock::time_point now);

  // True once after too many packets went missing at once (then the list was emptied): send a
  // PLI or FIR to the publisher. Reading it clears it.
  bool keyframe_needed();

  // The retry interval follows the round-trip time (not below min_retry_interval).
  void set_rtt(Clock::duration rtt);

  // When collect() next has something to do, if anything is missing.
  std::optional<Clock::time_point> next_due() const;

  std::size_t missing_count() const { return missing_.size(); }
  void reset();

 private:
  struct Missing {
    std::int64_t seq;  // unwrapped
    Clock::time_point detected;
    Clock::time_point last_sent;
    int tries;
  };

  bool due(const Missing& m, Clock::time_point now) const;
  // When m is next due (ignoring the reorder rule, which only makes it earlier).
  Clock::time_point due_at(const Missing& m) const;

  Config config_;
  Clock::duration retry_interval_;
  SeqUnwrapper seqs_;
  std::vector<Missing> missing_;       // sorted by seq, capacity max_missing
  std::vector<std::uint16_t> output_;  // capacity max_missing
  bool keyframe_needed_ = false;
};

}  // namespace confab::sfu
