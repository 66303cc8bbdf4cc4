#include "sfu/downlink_allocation.hpp"

#include <algorithm>

namespace confab::sfu {

std::optional<std::uint32_t> DownlinkEstimate::update(std::uint32_t sending,
                                                      Clock::time_point now) {
  const bool fresh = remb_ && remb_at_ && now - *remb_at_ < kRembMaxAge;
  const bool over_estimate = fresh && falling_ && sending > 0 && *remb_ < sending * kRembMargin;
  const bool lossy = loss_ > kLossThreshold;
  if (over_estimate || lossy) {
    std::uint32_t fits = fresh ? *remb_ : sending;
    if (lossy) fits = std::min(fits, static_cast<std::uint32_t>(sending * (256 - loss_) / 256));
    limit_ = fits;
    const bool again = last_congestion_ && now - *last_congestion_ < kCalmPeriod;
    hold_off_ = again ? std::min<Clock::duration>(hold_off_ * 2, kMaxHoldOff) : kInitialHoldOff;
    hold_until_ = now + hold_off_;
    last_congestion_ = now;
  } else if (limit_) {
    if (now >= hold_until_) {
      limit_.reset();  // try the preferred layers again
    } else if (fresh && *remb_ > *limit_) {
      limit_ = *remb_;  // the estimate grows: so may we
    }
  }
  loss_ = 0;
  return limit_;
}

namespace {

std::uint32_t cost(const DownlinkStream& s, std::uint8_t spatial, std::uint8_t temporal) {
  return s.bitrate[spatial][temporal];
}

// The next step up within the stream's preference, if any.
std::optional<std::pair<std::uint8_t, std::uint8_t>> next_step(const DownlinkStream& s) {
  if (s.temporal < s.preferred_temporal) {
    return std::pair{s.spatial, static_cast<std::uint8_t>(s.temporal + 1)};
  }
  for (std::size_t l = s.spatial + 1; l <= s.preferred_spatial && l < s.spatial_layers; ++l) {
    if (s.bitrate[l][DownlinkStream::kLayers - 1] > 0) {
      return std::pair{static_cast<std::uint8_t>(l), std::uint8_t{0}};
    }
  }
  return std::nullopt;
}

}  // namespace

void allocate_downlink(std::span<DownlinkStream> streams, std::optional<std::uint32_t> budget) {
  if (!budget) {
    for (auto& s : streams) {
      s.spatial = s.preferred_spatial;
      s.temporal = s.preferred_temporal;
    }
    return;
  }
  std::uint64_t total = 0;
  for (auto& s : streams) {
    s.spatial = 0;
    for (std::size_t l = 0; l < s.spatial_layers && l <= s.preferred_spatial; ++l) {
      if (s.bitrate[l][DownlinkStream::kLayers - 1] > 0) {
        s.spatial = static_cast<std::uint8_t>(l);
        break;
      }
    }
    s.temporal = 0;
    total += cost(s, s.spatial, 0);
  }
  for (bool stepped = true; stepped;) {
    stepped = false;
    for (auto& s : streams) {
      const auto step = next_step(s);
      if (!step) continue;
      const std::uint64_t after =
          total - cost(s, s.spatial, s.temporal) + cost(s, step->first, step->second);
      if (after > *budget) continue;
      total = after;
      s.spatial = step->first;
      s.temporal = step->second;
      stepped = true;
    }
  }
}

}  // namespace confab::sfu
