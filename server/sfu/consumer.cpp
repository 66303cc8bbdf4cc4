#include "sfu/consumer.hpp"

#include <algorithm>

#include "sfu/ntp_time.hpp"
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

bool Consumer::prepare(RtpPacket& out, bool keyframe, std::chrono::steady_clock::time_point now) {
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
  const auto mapped = rewriter_.rewrite(out.sequence(), out.timestamp());
  if (!mapped) return false;
  out.set_ssrc(spec_.ssrc);
  out.set_sequence(mapped->seq);
  out.set_timestamp(mapped->ts);
  return true;
}

std::optional<std::uint16_t> Consumer::source_sequence(std::uint16_t sent) const {
  return rewriter_.source_of(sent);
}

bool Consumer::prepare_retransmission(std::span<std::uint8_t> buffer, std::size_t& len,
                                      std::uint16_t sent_sequence) {
  auto packet = RtpPacket::parse(buffer.first(len));
  if (!packet) return false;
  packet->set_ssrc(spec_.ssrc);
  packet->set_sequence(sent_sequence);
  // source_of() answered from the current segment, whose offset the packet had when sent.
  const auto offset = rewriter_.timestamp_offset();
  if (!offset) return false;
  packet->set_timestamp(packet->timestamp() + *offset);
  if (!uses_rtx()) return true;
  const auto size =
      rtx_encode(buffer, len, spec_.rtx_payload_type, spec_.rtx_ssrc, rtx_sequence_++);
  if (!size) return false;
  len = *size;
  return true;
}

void Consumer::on_sent(std::size_t payload_bytes) {
  ++packets_sent_;
  octets_sent_ += static_cast<std::uint32_t>(payload_bytes);
}

std::optional<SenderInfo> Consumer::sender_report(std::chrono::steady_clock::time_point now) {
  const auto& clock = producer_.sender_clock();
  const auto offset = rewriter_.timestamp_offset();
  if (!clock || !offset) return std::nullopt;
  const auto elapsed = std::max(now - clock->arrival, std::chrono::steady_clock::duration::zero());
  const auto elapsed_us = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count());
  const auto elapsed_units =
      static_cast<std::uint32_t>(elapsed_us * producer_.spec().clock_rate / 1'000'000);
  SenderInfo info;
  info.ntp = ntp_plus(clock->ntp, elapsed);
  info.rtp_timestamp = clock->rtp_timestamp + *offset + elapsed_units;
  info.packet_count = packets_sent_;
  info.octet_count = octets_sent_;
  sent_reports_[sent_report_count_++ % sent_reports_.size()] = {ntp_middle32(info.ntp), now};
  return info;
}

std::optional<std::chrono::microseconds> Consumer::on_report_block(
    const ReportBlock& block, std::chrono::steady_clock::time_point now) {
  if (block.last_sr == 0) return std::nullopt;
  const std::size_t known = std::min(sent_report_count_, sent_reports_.size());
  for (std::size_t i = 0; i < known; ++i) {
    const SentReport& sent = sent_reports_[i];
    if (sent.ntp_middle != block.last_sr) continue;
    // Our own clock for both ends: the NTP time we sent is the publisher's, not ours.
    const auto rtt = std::chrono::duration_cast<std::chrono::microseconds>(now - sent.at) -
                     from_ntp_short(block.delay_since_sr);
    if (rtt.count() < 0) return std::nullopt;
    return rtt;
  }
  return std::nullopt;
}

}  // namespace confab::sfu
