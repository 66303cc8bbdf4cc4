#include "sfu/consumer.hpp"

#include "sfu/producer.hpp"
#include "sfu/rtx.hpp"

namespace confab::sfu {

Consumer::Consumer(const meeting::ConsumerSpec& spec, Producer& producer,
                   WebRtcTransport& transport)
    : spec_(spec),
      producer_(producer),
      transport_(transport),
      paused_(spec.paused),
      waiting_keyframe_(producer.video()) {}

void Consumer::set_paused(bool paused) {
  if (paused_ == paused) return;
  paused_ = paused;
  if (!paused) waiting_keyframe_ = producer_.video();
}

bool Consumer::prepare(RtpPacket& out, bool keyframe,
                       std::chrono::steady_clock::time_point now) {
  if (paused_) return false;
  if (waiting_keyframe_) {
    if (producer_.video() && !keyframe) return false;
    waiting_keyframe_ = false;
    // The receiver's clock moved on while nothing was sent: so does the timestamp.
    if (last_sent_at_) {
      rewriter_.resync(RtpRewriter::ts_gap_for(now - *last_sent_at_, producer_.spec().clock_rate));
    }
  }
  last_sent_at_ = now;
  const std::uint16_t source = out.sequence();
  const auto mapped = rewriter_.rewrite(source, out.timestamp());
  if (!mapped) return false;
  out.set_ssrc(spec_.ssrc);
  out.set_sequence(mapped->seq);
  out.set_timestamp(mapped->ts);
  const std::size_t slot = mapped->seq % kHistory;
  source_of_[slot] = source;
  sent_at_[slot] = mapped->seq;
  sent_ts_[slot] = mapped->ts;
  slot_used_[slot] = true;
  return true;
}

std::optional<std::uint16_t> Consumer::source_sequence(std::uint16_t sent) const {
  const std::size_t slot = sent % kHistory;
  if (!slot_used_[slot] || sent_at_[slot] != sent) return std::nullopt;
  return source_of_[slot];
}

bool Consumer::prepare_retransmission(std::span<std::uint8_t> buffer, std::size_t& len,
                                      std::uint16_t sent_sequence) {
  auto packet = RtpPacket::parse(buffer.first(len));
  if (!packet) return false;
  packet->set_ssrc(spec_.ssrc);
  packet->set_sequence(sent_sequence);
  packet->set_timestamp(sent_ts_[sent_sequence % kHistory]);
  if (!uses_rtx()) return true;
  const auto size = rtx_encode(buffer, len, spec_.rtx_payload_type, spec_.rtx_ssrc, rtx_sequence_++);
  if (!size) return false;
  len = *size;
  return true;
}

}  // namespace confab::sfu
