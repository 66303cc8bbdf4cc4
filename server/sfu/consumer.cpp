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
      video_(producer.video()) {
  target_layer_ = preferred_spatial_layer();
  target_temporal_ = preferred_temporal_layer();
}

void Consumer::set_paused(bool paused) {
  if (paused_ == paused) return;
  paused_ = paused;
  if (!paused) current_layer_.reset();
}

std::uint8_t Consumer::preferred_spatial_layer() const {
  const auto top = static_cast<std::uint8_t>(producer_.layer_count() - 1);
  return std::min(preferred_spatial_, top);
}

std::uint8_t Consumer::preferred_temporal_layer() const {
  std::uint8_t top = 0;
  for (std::size_t i = 0; i < producer_.layer_count(); ++i) {
    top = std::max<std::uint8_t>(top, producer_.layer(i).encoding.temporal_layers - 1);
  }
  return std::min(preferred_temporal_, top);
}

bool Consumer::update_target(std::chrono::steady_clock::time_point now) {
  const std::size_t wanted = std::min(preferred_spatial_layer(), bandwidth_spatial_);
  target_temporal_ = std::min(preferred_temporal_layer(), bandwidth_temporal_);
  // The wanted layer or the nearest below it the publisher has not turned off; failing that,
  // the lowest one above it (a publisher that turned its small layers off).
  std::optional<std::size_t> chosen;
  for (std::size_t i = 0; i <= wanted; ++i) {
    if (!producer_.layer_off(i, now)) chosen = i;
  }
  for (std::size_t i = wanted + 1; !chosen && i < producer_.layer_count(); ++i) {
    if (!producer_.layer_off(i, now)) chosen = i;
  }
  target_layer_ = chosen.value_or(wanted);
  return awaiting_keyframe();
}

bool Consumer::prepare(RtpPacket& out, std::size_t layer, bool keyframe, const Vp8Descriptor* vp8,
                       std::chrono::steady_clock::time_point now) {
  if (paused_) return false;
  if (current_layer_ != layer) {
    // Start, or switch layers, only on a keyframe of the layer we want.
    if (layer != target_layer_ || (producer_.video() && !keyframe)) return false;
    // The receiver's clock moved on while nothing was sent: so does the timestamp.
    if (last_sent_at_) {
      rewriter_.resync(RtpRewriter::ts_gap_for(now - *last_sent_at_, producer_.spec().clock_rate));
    }
    current_layer_ = layer;
    current_temporal_ = target_temporal_;
    vp8_.switch_source();
  }
  if (vp8 != nullptr && vp8->tid) {
    // Temporal layers change only where a picture starts: down at once, up where the picture can
    // be decoded from TL0 alone (TL0 itself, or a layer sync picture).
    if (vp8->start_of_partition && vp8->partition_id == 0) {
      if (target_temporal_ < current_temporal_) {
        current_temporal_ = target_temporal_;
      } else if (target_temporal_ > current_temporal_ && *vp8->tid <= target_temporal_ &&
                 (*vp8->tid == 0 || vp8->layer_sync)) {
        current_temporal_ = target_temporal_;
      }
    }
    if (*vp8->tid > current_temporal_) {
      rewriter_.drop(out.sequence());
      vp8_.drop(*vp8);
      return false;
    }
  }
  last_sent_at_ = now;
  const auto mapped = rewriter_.rewrite(out.sequence(), out.timestamp());
  if (!mapped) return false;
  out.set_ssrc(spec_.ssrc);
  out.set_sequence(mapped->seq);
  out.set_timestamp(mapped->ts);
  if (vp8 != nullptr) vp8_.forward(out.mutable_payload(), *vp8);
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
  if (producer_.video()) {
    if (const auto vp8 = Vp8Descriptor::parse(packet->payload())) {
      vp8_.rewrite_again(packet->mutable_payload(), *vp8);
    }
  }
  if (!uses_rtx()) return true;
  const auto size =
      rtx_encode(buffer, len, spec_.rtx_payload_type, spec_.rtx_ssrc, rtx_sequence_++);
  if (!size) return false;
  len = *size;
  return true;
}

void Consumer::on_sent(std::size_t payload_bytes, std::size_t packet_bytes,
                       std::chrono::steady_clock::time_point now) {
  sent_.add(packet_bytes, 0, now);
  ++packets_sent_;
  octets_sent_ += static_cast<std::uint32_t>(payload_bytes);
}

std::optional<SenderInfo> Consumer::sender_report(std::chrono::steady_clock::time_point now) {
  if (!current_layer_) return std::nullopt;
  const auto& clock = producer_.layer(*current_layer_).sender_clock;
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
