#pragma once
// A producer's stream as one subscriber receives it: its own SSRC, continuous sequence numbers
// and timestamps (across pauses), video starting on a keyframe, and the subscriber's NACKs
// answered from the producer's buffer.
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>

#include "meeting/media_router.hpp"
#include "sfu/rtcp.hpp"
#include "sfu/rtp_packet.hpp"
#include "sfu/rtp_rewriter.hpp"

namespace confab::sfu {

class Producer;
class WebRtcTransport;

class Consumer {
 public:
  Consumer(const meeting::ConsumerSpec& spec, Producer& producer, WebRtcTransport& transport);

  const meeting::ConsumerSpec& spec() const { return spec_; }
  Producer& producer() { return producer_; }
  WebRtcTransport& transport() { return transport_; }
  bool paused() const { return paused_; }
  // Running but still waiting for the keyframe its video must start with.
  bool awaiting_keyframe() const { return !paused_ && waiting_keyframe_; }
  // Resuming waits for the next keyframe (video).
  void set_paused(bool paused);

  // Simulcast: the highest layers this subscriber should get (clamped to what the producer has).
  void set_preferred_layers(std::uint8_t spatial, std::uint8_t temporal) {
    preferred_spatial_ = spatial;
    preferred_temporal_ = temporal;
  }
  std::uint8_t preferred_spatial_layer() const { return preferred_spatial_; }
  std::uint8_t preferred_temporal_layer() const { return preferred_temporal_; }

  // Rewrites a copy of the producer's packet (already in `out`, `len` bytes) for this
  // subscriber. False: not for this subscriber now (paused, waiting for a keyframe, stale).
  bool prepare(RtpPacket& out, bool keyframe, std::chrono::steady_clock::time_point now);

  // The producer's sequence number behind one this subscriber received, for its NACKs (the
  // rewriter's reverse mapping: packets since the latest pause or keyframe start).
  std::optional<std::uint16_t> source_sequence(std::uint16_t sent) const;
  // Rewrites a resent packet (a copy of the producer's, by source sequence, `len` bytes in
  // `buffer`) for this subscriber: the header it had the first time, wrapped in RTX when
  // negotiated (which makes it 2 bytes longer).
  bool prepare_retransmission(std::span<std::uint8_t> buffer, std::size_t& len,
                              std::uint16_t sent_sequence);
  bool uses_rtx() const { return spec_.rtx_ssrc != 0 && spec_.rtx_payload_type != 0; }

  // A forwarded packet went out (retransmissions are not counted): for the SR's counts.
  void on_sent(std::size_t payload_bytes);
  // The sender report for now: the publisher's latest SR moved on by the time since it came,
  // its RTP timestamp translated into ours, and what we sent. Nothing before the publisher's
  // first SR or our first packet (a receiver cannot use a guess for lip sync, and a wrong
  // mapping is worse than none). Remembered for the RTT when the receiver reports on it.
  std::optional<SenderInfo> sender_report(std::chrono::steady_clock::time_point now);
  // A receiver's report block about this stream: the round-trip time, when its LSR names one
  // of our recent SRs.
  std::optional<std::chrono::microseconds> on_report_block(
      const ReportBlock& block, std::chrono::steady_clock::time_point now);

 private:
  meeting::ConsumerSpec spec_;
  Producer& producer_;
  WebRtcTransport& transport_;
  bool paused_;
  bool waiting_keyframe_ = true;
  std::uint8_t preferred_spatial_ = UINT8_MAX;
  std::uint8_t preferred_temporal_ = UINT8_MAX;
  std::optional<std::chrono::steady_clock::time_point> last_sent_at_;
  RtpRewriter rewriter_;
  std::uint16_t rtx_sequence_ = 0;
  std::uint32_t packets_sent_ = 0;  // wrap as RFC 3550 counts do
  std::uint32_t octets_sent_ = 0;
  // Our latest SRs (middle 32 bits of their NTP time, when sent): an RR answers one of them.
  struct SentReport {
    std::uint32_t ntp_middle = 0;
    std::chrono::steady_clock::time_point at{};
  };
  std::array<SentReport, 4> sent_reports_{};
  std::size_t sent_report_count_ = 0;
};

}  // namespace confab::sfu
