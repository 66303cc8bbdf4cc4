#pragma once
// What one synthetic participant sends and how what it receives is counted. Payloads are not
// real Opus or VP8 (the SFU decodes neither): audio is 100 bytes at 50 packets/s with the RFC 6464
// level extension (or DTX silence); video is a valid RFC 7741 descriptor (15-bit picture id) and
// VP8 payload header, ~300 kbit/s at 30 frames/s, a keyframe every 2 s (8 kB in 7 packets), one
// packet per delta frame. Every payload ends in a magic word and the steady-clock send time, so the
// receiver (same process, same clock) measures the time a packet spent in the SFU.
#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <unordered_map>
#include <vector>

#include "latency_histogram.hpp"
#include "sfu/rtp_packet.hpp"

namespace confab::bench::sfu {

inline constexpr std::uint8_t kOpusPayloadType = 111;
inline constexpr std::uint8_t kVp8PayloadType = 96;
inline constexpr std::uint8_t kAudioLevelExtensionId = 1;
inline constexpr std::size_t kMaxPacket = 1500 + 148;

std::int64_t steady_ns();

// Sends one participant's audio and video at real rates. `send` gets each plain RTP packet in a
// buffer with room for the SRTP trailer.
class MediaSource {
 public:
  using Send = std::function<void(std::span<std::uint8_t> buffer, std::size_t len)>;

  // `speaking`: 50 packets/s at -30 dBov; else silence as a browser's Opus DTX sends it (one
  // packet per 400 ms, level 127).
  MediaSource(std::uint32_t audio_ssrc, std::uint32_t video_ssrc, std::int64_t start_ns,
              std::uint32_t seed, bool speaking);

  // Sends whatever is due at `now_ns`.
  void pump(std::int64_t now_ns, const Send& send);
  // PLI/FIR: the next frame is a keyframe (at most one asked-for keyframe per 500 ms).
  void request_keyframe(std::int64_t now_ns);
  // Resends a video packet still in the history; false if it is gone.
  bool retransmit(std::uint16_t sequence, const Send& send);

  std::uint32_t audio_ssrc() const { return audio_ssrc_; }
  std::uint32_t video_ssrc() const { return video_ssrc_; }
  std::uint64_t keyframes() const { return keyframes_; }
  std::uint64_t retransmissions() const { return retransmissions_; }

 private:
  void send_audio(std::int64_t now_ns, const Send& send);
  void send_frame(std::int64_t now_ns, const Send& send);

  struct Kept {
    std::uint16_t sequence = 0;
    std::size_t len = 0;
    std::array<std::uint8_t, 1300> bytes{};
  };

  std::uint32_t audio_ssrc_;
  std::uint32_t video_ssrc_;
  std::int64_t next_audio_ns_;
  std::int64_t next_frame_ns_;
  std::uint16_t audio_seq_;
  std::uint16_t video_seq_;
  std::uint32_t audio_ts_;
  std::uint32_t video_ts_;
  std::uint16_t picture_id_;
  std::uint32_t frame_ = 0;
  bool speaking_;
  bool keyframe_wanted_ = true;
  std::int64_t last_requested_keyframe_ns_ = 0;
  std::uint64_t keyframes_ = 0;
  std::uint64_t retransmissions_ = 0;
  std::array<std::uint8_t, kMaxPacket> buffer_{};
  std::vector<Kept> history_;  // video, by sequence % size
};

struct StreamCounters {
  std::uint64_t received = 0;
  std::uint64_t expected = 0;  // highest - first + 1 in the window
};

// Counts one received stream (a consumer) by its extended sequence numbers.
class ReceivedStream {
 public:
  explicit ReceivedStream(bool video) : video_(video) {}
  // `counting`: inside the measurement window.
  void on_packet(std::uint16_t sequence, bool counting);
  void reset_window();
  StreamCounters window() const;
  bool video() const { return video_; }
  std::uint64_t total() const { return total_; }

 private:
  bool video_;
  bool started_ = false;
  std::int64_t highest_ = 0;
  std::int64_t window_first_ = -1;
  std::int64_t window_highest_ = 0;
  std::uint64_t window_received_ = 0;
  std::uint64_t total_ = 0;
};

// The send time a MediaSource put at the end of a payload, if it is there.
std::optional<std::int64_t> sent_at(std::span<const std::uint8_t> payload);

}  // namespace confab::bench::sfu
