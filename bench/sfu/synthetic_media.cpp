#include "synthetic_media.hpp"

#include <chrono>
#include <cstring>
#include <random>

#include "sfu/byte_io.hpp"

namespace confab::bench::sfu {

namespace {
using ::confab::sfu::store_u16;
using ::confab::sfu::store_u32;
constexpr std::int64_t kAudioInterval = 20'000'000;  // ns
constexpr std::int64_t kDtxInterval = 400'000'000;
constexpr std::int64_t kFrameInterval = 33'333'333;
constexpr std::uint32_t kFramesPerKeyframe = 60;  // 2 s
constexpr std::size_t kAudioPayload = 100;
constexpr std::size_t kDeltaFrame = 1100;
constexpr std::size_t kKeyframe = 8000;
constexpr std::size_t kMaxVideoPayload = 1150;
constexpr std::size_t kHistory = 512;
constexpr std::uint32_t kMagic = 0xCF5B0001;
constexpr std::size_t kTrailer = 12;  // magic + send time

void put_trailer(std::uint8_t* end, std::int64_t now_ns) {
  store_u32(end - kTrailer, kMagic);
  std::memcpy(end - 8, &now_ns, 8);
}
std::size_t rtp_header(std::uint8_t* p, bool marker, std::uint8_t pt, std::uint16_t seq,
                       std::uint32_t ts, std::uint32_t ssrc) {
  p[0] = 0x80;
  p[1] = static_cast<std::uint8_t>((marker ? 0x80 : 0) | pt);
  store_u16(p + 2, seq);
  store_u32(p + 4, ts);
  store_u32(p + 8, ssrc);
  return 12;
}
}  // namespace

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

MediaSource::MediaSource(std::uint32_t audio_ssrc, std::uint32_t video_ssrc, std::int64_t start_ns,
                         std::uint32_t seed, bool speaking)
    : audio_ssrc_(audio_ssrc), video_ssrc_(video_ssrc), speaking_(speaking), history_(kHistory) {
  std::mt19937 random(seed);
  // Spread the participants over the packet intervals, as real senders are.
  next_audio_ns_ = start_ns + static_cast<std::int64_t>(random() % kAudioInterval);
  next_frame_ns_ = start_ns + static_cast<std::int64_t>(random() % kFrameInterval);
  audio_seq_ = static_cast<std::uint16_t>(random());
  video_seq_ = static_cast<std::uint16_t>(random());
  audio_ts_ = random();
  video_ts_ = random();
  picture_id_ = static_cast<std::uint16_t>(random() & 0x7fff);
}

void MediaSource::pump(std::int64_t now_ns, const Send& send) {
  // Not sending for a while (before the transport connected): start afresh, no burst.
  if (now_ns - next_audio_ns_ > 100'000'000) next_audio_ns_ = now_ns;
  if (now_ns - next_frame_ns_ > 100'000'000) next_frame_ns_ = now_ns;
  while (next_audio_ns_ <= now_ns) {
    send_audio(now_ns, send);
    next_audio_ns_ += speaking_ ? kAudioInterval : kDtxInterval;
  }
  while (next_frame_ns_ <= now_ns) {
    send_frame(now_ns, send);
    next_frame_ns_ += kFrameInterval;
  }
}

void MediaSource::request_keyframe(std::int64_t now_ns) {
  if (now_ns - last_requested_keyframe_ns_ < 500'000'000) return;
  last_requested_keyframe_ns_ = now_ns;
  keyframe_wanted_ = true;
}

void MediaSource::send_audio(std::int64_t now_ns, const Send& send) {
  std::uint8_t* p = buffer_.data();
  std::size_t n = rtp_header(p, false, kOpusPayloadType, audio_seq_++, audio_ts_, audio_ssrc_);
  audio_ts_ += speaking_ ? 960 : 960 * 20;
  p[0] |= 0x10;  // extension: 0xBEDE, one word: [id | len 0][V | level]
  store_u16(p + n, 0xBEDE);
  store_u16(p + n + 2, 1);
  p[n + 4] = static_cast<std::uint8_t>(kAudioLevelExtensionId << 4);
  p[n + 5] = speaking_ ? 0x80 | 30 : 127;  // voice activity at -30 dBov, or silence
  p[n + 6] = 0;
  p[n + 7] = 0;
  n += 8;
  std::memset(p + n, 0x5a, kAudioPayload);
  n += kAudioPayload;
  put_trailer(p + n, now_ns);
  send(buffer_, n);
}

void MediaSource::send_frame(std::int64_t now_ns, const Send& send) {
  const bool key = keyframe_wanted_ || frame_ % kFramesPerKeyframe == 0;
  if (key) {
    keyframe_wanted_ = false;
    frame_ = 0;
    ++keyframes_;
  }
  ++frame_;
  const std::size_t size = key ? kKeyframe : kDeltaFrame;
  std::size_t offset = 0;
  while (offset < size) {
    const std::size_t chunk = std::min(kMaxVideoPayload, size - offset);
    const bool first = offset == 0;
    const bool last = offset + chunk == size;
    std::uint8_t* p = buffer_.data();
    const std::uint16_t seq = video_seq_++;
    std::size_t n = rtp_header(p, last, kVp8PayloadType, seq, video_ts_, video_ssrc_);
    // RFC 7741 4.2: X=1, S on the first packet, PID 0; I=1; 15-bit picture id.
    p[n++] = static_cast<std::uint8_t>(0x80 | (first ? 0x10 : 0));
    p[n++] = 0x80;
    p[n++] = static_cast<std::uint8_t>(0x80 | (picture_id_ >> 8));
    p[n++] = static_cast<std::uint8_t>(picture_id_);
    std::uint8_t* body = p + n;
    std::memset(body, 0x33, chunk);
    if (first) {
      // VP8 payload header (RFC 6386 9.1): P=0 on keyframes, show_frame=1; a keyframe's start
      // code and 640x360.
      body[0] = key ? 0x10 : 0x11;
      body[1] = 0x02;
      body[2] = 0x00;
      if (key) {
        const std::uint8_t start[] = {0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01};
        std::memcpy(body + 3, start, sizeof start);
      }
    }
    n += chunk;
    put_trailer(p + n, now_ns);
    Kept& kept = history_[seq % history_.size()];
    kept.sequence = seq;
    kept.len = n;
    std::memcpy(kept.bytes.data(), p, n);
    send(buffer_, n);
    offset += chunk;
  }
  video_ts_ += 3000;
  picture_id_ = static_cast<std::uint16_t>((picture_id_ + 1) & 0x7fff);
}

bool MediaSource::retransmit(std::uint16_t sequence, const Send& send) {
  const Kept& kept = history_[sequence % history_.size()];
  if (kept.len == 0 || kept.sequence != sequence) return false;
  std::memcpy(buffer_.data(), kept.bytes.data(), kept.len);
  ++retransmissions_;
  send(buffer_, kept.len);
  return true;
}

void ReceivedStream::on_packet(std::uint16_t sequence, bool counting) {
  ++total_;
  if (!started_) {
    started_ = true;
    highest_ = sequence;
  }
  const auto delta = static_cast<std::int16_t>(sequence - static_cast<std::uint16_t>(highest_));
  const std::int64_t extended = highest_ + delta;
  if (extended > highest_) highest_ = extended;
  if (!counting) return;
  if (window_first_ < 0) {
    window_first_ = extended;
    window_highest_ = extended;
  }
  if (extended < window_first_) return;  // late packet from before the window
  if (extended > window_highest_) window_highest_ = extended;
  ++window_received_;
}

void ReceivedStream::reset_window() {
  window_first_ = -1;
  window_highest_ = 0;
  window_received_ = 0;
}

StreamCounters ReceivedStream::window() const {
  if (window_first_ < 0) return {};
  return {window_received_, static_cast<std::uint64_t>(window_highest_ - window_first_ + 1)};
}

std::optional<std::int64_t> sent_at(std::span<const std::uint8_t> payload) {
  if (payload.size() < kTrailer) return std::nullopt;
  const std::uint8_t* end = payload.data() + payload.size();
  const std::uint32_t magic = (std::uint32_t{end[-12]} << 24) | (std::uint32_t{end[-11]} << 16) |
                              (std::uint32_t{end[-10]} << 8) | end[-9];
  if (magic != kMagic) return std::nullopt;
  std::int64_t ns = 0;
  std::memcpy(&ns, end - 8, 8);
  return ns;
}

}  // namespace confab::bench::sfu
