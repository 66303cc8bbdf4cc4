#pragma once
// A stream a client publishes: its packets are normalised to the router's payload types and
// header-extension ids, kept for retransmission, their losses NACKed, and fanned out to the
// consumers.
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "meeting/media_router.hpp"
#include "sfu/audio_level_meter.hpp"
#include "sfu/nack_generator.hpp"
#include "sfu/receive_stats.hpp"
#include "sfu/retransmission_buffer.hpp"
#include "sfu/rtcp.hpp"
#include "sfu/rtp_packet.hpp"

namespace confab::sfu {

class Consumer;
class WebRtcTransport;

class Producer {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr auto kKeyframeInterval = std::chrono::milliseconds(500);

  Producer(const meeting::ProducerSpec& spec, WebRtcTransport& transport);

  const meeting::ProducerSpec& spec() const { return spec_; }
  WebRtcTransport& transport() { return transport_; }
  bool video() const { return spec_.kind == meeting::MediaKind::video; }
  bool paused() const { return paused_; }
  void set_paused(bool paused) { paused_ = paused; }

  // Turns an RTX packet in data[0, len) back into the original and rewrites payload type and
  // extension ids to the router's. Nothing: drop it (padding-only RTX probes, unknown payload
  // type). `recovered` tells whether it came as RTX.
  std::optional<RtpPacket> normalise(std::span<std::uint8_t> data, std::size_t& len,
                                     bool& recovered) const;

  RetransmissionBuffer& buffer() { return buffer_; }
  NackGenerator& nacks() { return nacks_; }
  std::vector<Consumer*>& consumers() { return consumers_; }

  // Keyframe requests towards the publisher, at most one per kKeyframeInterval; one asked
  // for inside the interval is sent when it ends.
  void want_keyframe() { keyframe_wanted_ = true; }
  bool take_keyframe_request(Clock::time_point now);

  // The publisher's latest sender report: its wall clock (NTP) against its RTP clock, which
  // the consumers' own reports translate into their timestamps (lip sync at the receivers).
  struct SenderClock {
    std::uint64_t ntp = 0;
    std::uint32_t rtp_timestamp = 0;
    Clock::time_point arrival{};
  };
  void on_sender_report(const SenderInfo& info, Clock::time_point now);
  const std::optional<SenderClock>& sender_clock() const { return sender_clock_; }

  // What our receiver reports to the publisher say (loss, jitter, LSR/DLSR for its RTT).
  ReceiveStats& stats() { return stats_; }

  // Audio only: the speech measured since the last report.
  AudioLevelMeter& level_meter() { return level_meter_; }

 private:
  meeting::ProducerSpec spec_;
  WebRtcTransport& transport_;
  std::array<std::uint8_t, 256> extension_map_{};
  bool paused_;
  RetransmissionBuffer buffer_;
  NackGenerator nacks_;
  std::vector<Consumer*> consumers_;
  ReceiveStats stats_;
  std::optional<SenderClock> sender_clock_;
  AudioLevelMeter level_meter_;
  bool keyframe_wanted_ = false;
  Clock::time_point last_keyframe_request_{};
};

}  // namespace confab::sfu
