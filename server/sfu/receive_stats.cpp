#include "sfu/receive_stats.hpp"

#include <algorithm>
#include <cstdlib>

#include "sfu/ntp_time.hpp"

namespace confab::sfu {

void ReceiveStats::on_packet(std::uint16_t seq, std::uint32_t rtp_timestamp,
                             Clock::time_point arrival) {
  if (!seqs_.started()) {
    base_ = seqs_.unwrap(seq);
    first_arrival_ = arrival;
  }
  const bool in_order = seqs_.peek(seq) > seqs_.newest() || received_ == 0;
  seqs_.unwrap(seq);
  ++received_;
  // Jitter from in-order packets that start a new frame (same-timestamp packets of one frame
  // leave the sender together, and would only dilute it); libwebrtc does the same.
  if (!in_order || (have_transit_ && rtp_timestamp == last_timestamp_)) return;
  const auto elapsed_us =
      std::chrono::duration_cast<std::chrono::microseconds>(arrival - first_arrival_).count();
  const std::int64_t arrival_units =
      elapsed_us * static_cast<std::int64_t>(clock_rate_) / 1'000'000;
  const std::int64_t transit = arrival_units - static_cast<std::int64_t>(rtp_timestamp);
  if (have_transit_) {
    // The timestamp difference wraps at 32 bits; the transit difference must too.
    const auto d = static_cast<std::int32_t>(static_cast<std::uint32_t>(transit - last_transit_));
    jitter_ += (std::abs(static_cast<double>(d)) - jitter_) / 16.0;
  }
  have_transit_ = true;
  last_transit_ = transit;
  last_timestamp_ = rtp_timestamp;
}

void ReceiveStats::on_sender_report(std::uint64_t ntp, Clock::time_point arrival) {
  last_sr_ = ntp_middle32(ntp);
  last_sr_arrival_ = arrival;
}

std::int64_t ReceiveStats::expected() const {
  if (!seqs_.started()) return 0;
  return seqs_.newest() - base_ + 1;
}

std::optional<ReportBlock> ReceiveStats::report_block(std::uint32_t ssrc, Clock::time_point now) {
  if (!seqs_.started()) return std::nullopt;
  ReportBlock block;
  block.ssrc = ssrc;
  const std::int64_t expected_now = expected();
  const std::int64_t expected_interval = expected_now - expected_prior_;
  const auto received_interval = static_cast<std::int64_t>(received_ - received_prior_);
  const std::int64_t lost_interval = expected_interval - received_interval;
  expected_prior_ = expected_now;
  received_prior_ = received_;
  if (expected_interval > 0 && lost_interval > 0) {
    block.fraction_lost = static_cast<std::uint8_t>(
        std::min<std::int64_t>((lost_interval << 8) / expected_interval, 255));
  }
  block.cumulative_lost =
      static_cast<std::int32_t>(std::clamp<std::int64_t>(lost(), -0x800000, 0x7FFFFF));
  block.highest_sequence = static_cast<std::uint32_t>(seqs_.newest());
  block.jitter = jitter();
  if (last_sr_ != 0) {
    block.last_sr = last_sr_;
    block.delay_since_sr = to_ntp_short(now - last_sr_arrival_);
  }
  return block;
}

}  // namespace confab::sfu
