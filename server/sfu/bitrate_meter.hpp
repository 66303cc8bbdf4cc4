#pragma once
// The bitrate of one stream over the last second, split by VP8 temporal layer, so the SFU knows
// what each (spatial, temporal) choice would cost a subscriber. Ten 100 ms buckets in fixed
// storage: no allocation per packet.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>

namespace confab::sfu {

class BitrateMeter {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kTemporalLayers = 3;
  static constexpr auto kBucket = std::chrono::milliseconds(100);
  static constexpr std::size_t kBuckets = 10;  // the window: one second

  // `bytes` of a packet of temporal layer `tid` (0 without temporal layers; higher counts as the
  // top one).
  void add(std::size_t bytes, std::uint8_t tid, Clock::time_point now) {
    advance(now);
    const std::size_t layer = tid < kTemporalLayers ? tid : kTemporalLayers - 1;
    buckets_[current_][layer] += static_cast<std::uint32_t>(bytes);
  }

  // Bits per second of temporal layers 0..`max_tid` together, over the last second.
  std::uint32_t bitrate(std::uint8_t max_tid, Clock::time_point now) {
    advance(now);
    std::uint64_t bytes = 0;
    const std::size_t top = max_tid < kTemporalLayers ? max_tid : kTemporalLayers - 1;
    for (const auto& bucket : buckets_) {
      for (std::size_t t = 0; t <= top; ++t) bytes += bucket[t];
    }
    return static_cast<std::uint32_t>(bytes * 8);
  }

 private:
  void advance(Clock::time_point now) {
    const auto tick = now.time_since_epoch() / kBucket;
    if (!started_) {
      started_ = true;
      tick_ = tick;
      return;
    }
    if (tick <= tick_) return;
    const auto steps = std::min<std::int64_t>(tick - tick_, kBuckets);
    for (std::int64_t i = 0; i < steps; ++i) {
      current_ = (current_ + 1) % kBuckets;
      buckets_[current_] = {};
    }
    tick_ = tick;
  }

  std::array<std::array<std::uint32_t, kTemporalLayers>, kBuckets> buckets_{};
  std::size_t current_ = 0;
  std::int64_t tick_ = 0;
  bool started_ = false;
};

}  // namespace confab::sfu
