#pragma once
// A stream a client publishes: its packets are normalised to the router's payload types and
// header-extension ids, kept for retransmission, their losses NACKed, and fanned out to the
// consumers. With simulcast it has several layers (encodings), each an RTP stream of its own
// with its own SSRC, buffer, losses, clocks and keyframes; a consumer receives one of them.
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "meeting/media_router.hpp"
#include "sfu/audio_level_meter.hpp"
#include "sfu/bitrate_meter.hpp"
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
  // A layer that sent nothing for this long is off (the publisher stopped encoding it).
  static constexpr auto kLayerTimeout = std::chrono::milliseconds(1500);

  // The publisher's latest sender report on one layer: its wall clock (NTP) against the layer's
  // RTP clock, which the consumers' own reports translate into their timestamps (lip sync).
  struct SenderClock {
    std::uint64_t ntp = 0;
    std::uint32_t rtp_timestamp = 0;
    Clock::time_point arrival{};
  };

  struct Layer {
    explicit Layer(const meeting::EncodingSpec& spec, std::uint32_t clock_rate)
        : encoding(spec), stats(clock_rate) {}
    meeting::EncodingSpec encoding;  // ssrc / rtx_ssrc filled in once learnt from the rid
    RetransmissionBuffer buffer;
    NackGenerator nacks;
    ReceiveStats stats;  // what our receiver reports say (loss, jitter, LSR/DLSR)
    BitrateMeter bitrate;
    std::optional<SenderClock> sender_clock;
    std::optional<Clock::time_point> last_packet;
    bool keyframe_wanted = false;
    Clock::time_point last_keyframe_request{};
  };

  Producer(const meeting::ProducerSpec& spec, WebRtcTransport& transport);

  const meeting::ProducerSpec& spec() const { return spec_; }
  WebRtcTransport& transport() { return transport_; }
  bool video() const { return spec_.kind == meeting::MediaKind::video; }
  bool simulcast() const { return layers_.size() > 1; }
  bool paused() const { return paused_; }
  void set_paused(bool paused) { paused_ = paused; }

  std::size_t layer_count() const { return layers_.size(); }
  Layer& layer(std::size_t index) { return layers_[index]; }
  // Sending now: a packet came within kLayerTimeout.
  bool layer_active(std::size_t index, Clock::time_point now) const;
  // Turned off: silent for kLayerTimeout while the producer sends (a layer not seen yet is not
  // off until the producer's first packet is that old: the layers of a picture arrive one by
  // one).
  bool layer_off(std::size_t index, Clock::time_point now) const;
  void on_packet(std::size_t index, Clock::time_point now) {
    layers_[index].last_packet = now;
    if (!first_packet_) first_packet_ = now;
  }

  // The layer an SSRC belongs to (its media or, `rtx` set, its RTX stream).
  std::optional<std::size_t> layer_of(std::uint32_t ssrc, bool& rtx) const;
  // RID-based simulcast: the layer named `rid` takes `ssrc` for its media (or RTX) stream, if it
  // has none yet. The layer's index, or nothing.
  std::optional<std::size_t> learn_ssrc(std::string_view rid, std::uint32_t ssrc, bool rtx);
  bool has_unlearnt_layers() const;

  // Turns an RTX packet of layer `index` in data[0, len) back into the original and rewrites
  // payload type and extension ids to the router's. Nothing: drop it (padding-only RTX probes,
  // unknown payload type). `recovered` tells whether it came as RTX.
  std::optional<RtpPacket> normalise(std::size_t index, std::span<std::uint8_t> data,
                                     std::size_t& len, bool& recovered) const;

  std::vector<Consumer*>& consumers() { return consumers_; }

  // Keyframe requests towards the publisher, per layer at most one per kKeyframeInterval; one
  // asked for inside the interval is sent when it ends. Without a layer: every layer.
  void want_keyframe();
  void want_keyframe(std::size_t index) { layers_[index].keyframe_wanted = true; }
  bool take_keyframe_request(std::size_t index, Clock::time_point now);

  void on_sender_report(std::size_t index, const SenderInfo& info, Clock::time_point now);

  // Audio only: the speech measured since the last report.
  AudioLevelMeter& level_meter() { return level_meter_; }

 private:
  meeting::ProducerSpec spec_;
  WebRtcTransport& transport_;
  std::array<std::uint8_t, 256> extension_map_{};
  bool paused_;
  std::vector<Layer> layers_;
  std::vector<Consumer*> consumers_;
  std::optional<Clock::time_point> first_packet_;
  AudioLevelMeter level_meter_;
};

}  // namespace confab::sfu
