#pragma once
// Bandwidth estimation for one subscriber's downlink, and the sharing of it between the video
// it receives. The subscriber's browser tells its estimate (REMB, from abs-send-time) and its
// losses (receiver reports); the SFU has no probes of its own, so it treats them as signs of
// congestion: an estimate that falls (the browser saw queues grow) below what we send, or heavy
// loss. It then steps down to what the estimate says fits, waits (5 s, doubling to 60 s while
// congestion comes back), and tries the subscriber's preferred layers again. An estimate that
// is below what we send but rising is a browser still ramping up (its estimate grows at most
// ~1.5x the rate it receives), not congestion. A receiver
// on a constrained link therefore gets smaller layers instead of a frozen picture, and gets the
// big ones back when the link recovers. Pure logic, no clock of its own.
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>

namespace confab::sfu {

class DownlinkEstimate {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr auto kInitialHoldOff = std::chrono::seconds(5);
  static constexpr auto kMaxHoldOff = std::chrono::seconds(60);
  // A congestion this long after the previous one starts the hold-off from the beginning.
  static constexpr auto kCalmPeriod = std::chrono::seconds(30);
  static constexpr auto kRembMaxAge = std::chrono::seconds(3);
  // Congested: the estimate below this share of what we send, or more loss than this (of 256).
  static constexpr double kRembMargin = 0.85;
  static constexpr std::uint8_t kLossThreshold = 26;  // ~10 %

  void on_remb(std::uint32_t bps, Clock::time_point now) {
    if (remb_ && *remb_ != bps) falling_ = bps < *remb_;
    if (!remb_) falling_ = true;  // a first estimate below what we send is news too
    remb_ = bps;
    remb_at_ = now;
  }
  // A receiver report block's fraction lost (of 256) on one of our video streams.
  void on_loss(std::uint8_t fraction_lost) { loss_ = std::max(loss_, fraction_lost); }

  // Once per allocation round, with what the SFU sent this subscriber (video, bits/s, last
  // second): the bitrate the round may use, or nothing for no limit.
  std::optional<std::uint32_t> update(std::uint32_t sending, Clock::time_point now);

  bool limited() const { return limit_.has_value(); }

 private:
  std::optional<std::uint32_t> remb_;
  std::optional<Clock::time_point> remb_at_;
  bool falling_ = false;  // the latest estimate that changed went down
  std::uint8_t loss_ = 0;
  std::optional<std::uint32_t> limit_;
  Clock::duration hold_off_ = kInitialHoldOff;
  Clock::time_point hold_until_{};
  std::optional<Clock::time_point> last_congestion_;
};

// One video stream a subscriber receives, as the allocation sees it.
struct DownlinkStream {
  static constexpr std::size_t kLayers = 3;
  std::size_t spatial_layers = 1;
  std::uint8_t preferred_spatial = 0;
  std::uint8_t preferred_temporal = 0;
  // bitrate[s][t]: what spatial layer s with temporal layers 0..t costs now; 0: not sent.
  std::array<std::array<std::uint32_t, kLayers>, kLayers> bitrate{};
  // The allocation's answer.
  std::uint8_t spatial = 0;
  std::uint8_t temporal = 0;
};

// Without a budget every stream gets its preferred layers. With one, each starts at its lowest
// sent layer and lowest temporal layer (never nothing: video degrades, it does not stop), then
// the streams take turns stepping up (a temporal layer, then the next spatial layer) while the
// total stays within the budget.
void allocate_downlink(std::span<DownlinkStream> streams, std::optional<std::uint32_t> budget);

}  // namespace confab::sfu
