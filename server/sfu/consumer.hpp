#pragma once
// A producer's stream as one subscriber receives it: its own SSRC, continuous sequence numbers
// and timestamps (across pauses and simulcast switches), video starting on a keyframe, one
// simulcast layer and the temporal layers its tile and bandwidth call for, and the subscriber's
// NACKs answered from the producer's buffer.
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>

#include "meeting/media_router.hpp"
#include "sfu/bitrate_meter.hpp"
#include "sfu/rtcp.hpp"
#include "sfu/rtp_packet.hpp"
#include "sfu/rtp_rewriter.hpp"
#include "sfu/vp8_picture_rewriter.hpp"

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
  // Resuming waits for the next keyframe (video).
  void set_paused(bool paused);

  // ---- layers (simulcast: which encoding; VP8 temporal layers: which pictures) ----
  // The highest layers this subscriber should get (its tile), clamped to what the producer has.
  void set_preferred_layers(std::uint8_t spatial, std::uint8_t temporal) {
    preferred_spatial_ = spatial;
    preferred_temporal_ = temporal;
  }
  std::uint8_t preferred_spatial_layer() const;
  std::uint8_t preferred_temporal_layer() const;
  // What the subscriber's bandwidth allows (the downlink allocation); at most the preference.
  void set_bandwidth_layers(std::uint8_t spatial, std::uint8_t temporal) {
    bandwidth_spatial_ = spatial;
    bandwidth_temporal_ = temporal;
  }
  // Picks the spatial layer to forward from preference, bandwidth and the layers the publisher
  // sends now. True if that needs a keyframe of a layer not being forwarded yet.
  bool update_target(std::chrono::steady_clock::time_point now);
  std::size_t target_layer() const { return target_layer_; }
  std::uint8_t target_temporal_layer() const { return target_temporal_; }
  // The layer being forwarded; nothing while waiting for the keyframe to start with.
  std::optional<std::size_t> current_layer() const { return current_layer_; }
  std::uint8_t current_temporal_layer() const { return current_temporal_; }
  // Running video waiting for a keyframe: to start, or to switch to the target layer.
  bool awaiting_keyframe() const {
    return video_ && !paused_ && (!current_layer_ || *current_layer_ != target_layer_);
  }
  // The layer a keyframe request of this subscriber (PLI, FIR) is for.
  std::size_t keyframe_layer() const { return current_layer_.value_or(target_layer_); }

  // Rewrites a copy of the producer's packet of layer `layer` (already in `out`) for this
  // subscriber; `vp8` is its parsed payload descriptor (video). False: not for this subscriber
  // now (paused, another layer, waiting for a keyframe, a temporal layer above its own, stale).
  bool prepare(RtpPacket& out, std::size_t layer, bool keyframe, const Vp8Descriptor* vp8,
               std::chrono::steady_clock::time_point now);

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
  void on_sent(std::size_t payload_bytes, std::size_t packet_bytes,
               std::chrono::steady_clock::time_point now);
  // What went out over the last second, bits/s.
  std::uint32_t sent_bitrate(std::chrono::steady_clock::time_point now) {
    return sent_.bitrate(BitrateMeter::kTemporalLayers - 1, now);
  }
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
  bool video_;
  std::uint8_t preferred_spatial_ = UINT8_MAX;
  std::uint8_t preferred_temporal_ = UINT8_MAX;
  std::uint8_t bandwidth_spatial_ = UINT8_MAX;
  std::uint8_t bandwidth_temporal_ = UINT8_MAX;
  std::size_t target_layer_ = 0;
  std::uint8_t target_temporal_ = UINT8_MAX;
  std::optional<std::size_t> current_layer_;
  std::uint8_t current_temporal_ = UINT8_MAX;
  Vp8PictureRewriter vp8_;
  BitrateMeter sent_;
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
