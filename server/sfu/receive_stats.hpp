#pragma once
// Per received stream: what an RTCP receiver report says about it (RFC 3550 6.4.1, A.3, A.8):
// extended highest sequence, cumulative and interval loss, interarrival jitter, LSR/DLSR.
#include <chrono>
#include <cstdint>
#include <optional>

#include "sfu/rtcp.hpp"
#include "sfu/seq_math.hpp"

namespace confab::sfu {

class ReceiveStats {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ReceiveStats(std::uint32_t clock_rate) : clock_rate_(clock_rate) {}

  // Every received packet of the stream (retransmissions too: they count as received).
  void on_packet(std::uint16_t seq, std::uint32_t rtp_timestamp, Clock::time_point arrival);
  // A sender report about the stream arrived (its NTP timestamp).
  void on_sender_report(std::uint64_t ntp, Clock::time_point arrival);

  // The report block for now; starts a new interval for the fraction lost. Nothing before the
  // first packet.
  std::optional<ReportBlock> report_block(std::uint32_t ssrc, Clock::time_point now);

  std::uint64_t received() const { return received_; }
  std::int64_t expected() const;
  std::int64_t lost() const { return expected() - static_cast<std::int64_t>(received_); }
  // Interarrival jitter in RTP clock units.
  std::uint32_t jitter() const { return static_cast<std::uint32_t>(jitter_); }

 private:
  std::uint32_t clock_rate_;
  SeqUnwrapper seqs_;
  std::int64_t base_ = 0;
  std::uint64_t received_ = 0;
  std::int64_t expected_prior_ = 0;
  std::uint64_t received_prior_ = 0;
  // Jitter: arrival times in RTP units relative to the first packet's arrival.
  Clock::time_point first_arrival_{};
  bool have_transit_ = false;
  std::int64_t last_transit_ = 0;
  std::uint32_t last_timestamp_ = 0;
  double jitter_ = 0;
  // LSR / DLSR.
  std::uint32_t last_sr_ = 0;
  Clock::time_point last_sr_arrival_{};
};

}  // namespace confab::sfu
