#include "sfu/producer.hpp"

#include <cstring>

#include "sfu/rtx.hpp"

namespace confab::sfu {

Producer::Producer(const meeting::ProducerSpec& spec, WebRtcTransport& transport)
    : spec_(spec), transport_(transport), paused_(spec.paused) {
  // Ids the producer did not negotiate stay 0: their elements are blanked to padding.
  for (std::size_t id = 0; id < spec.extensions.size(); ++id)
    extension_map_[id] = spec.extensions[id];
  layers_.reserve(spec.encodings.size());
  for (const auto& encoding : spec.encodings) layers_.emplace_back(encoding, spec.clock_rate);
}

bool Producer::layer_active(std::size_t index, Clock::time_point now) const {
  const auto& last = layers_[index].last_packet;
  return last && now - *last < kLayerTimeout;
}

bool Producer::layer_off(std::size_t index, Clock::time_point now) const {
  if (layer_active(index, now)) return false;
  return layers_[index].last_packet || (first_packet_ && now - *first_packet_ >= kLayerTimeout);
}

std::optional<std::size_t> Producer::layer_of(std::uint32_t ssrc, bool& rtx) const {
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    const auto& encoding = layers_[i].encoding;
    if (encoding.ssrc != 0 && encoding.ssrc == ssrc) {
      rtx = false;
      return i;
    }
    if (encoding.rtx_ssrc != 0 && encoding.rtx_ssrc == ssrc) {
      rtx = true;
      return i;
    }
  }
  return std::nullopt;
}

std::optional<std::size_t> Producer::learn_ssrc(std::string_view rid, std::uint32_t ssrc,
                                                bool rtx) {
  if (ssrc == 0 || rid.empty()) return std::nullopt;
  bool ignored = false;
  if (layer_of(ssrc, ignored)) return std::nullopt;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    auto& encoding = layers_[i].encoding;
    if (encoding.rid != rid) continue;
    std::uint32_t& slot = rtx ? encoding.rtx_ssrc : encoding.ssrc;
    // RTX only where the producer negotiated it.
    if (slot != 0 || (rtx && spec_.rtx_payload_type == 0)) return std::nullopt;
    slot = ssrc;
    return i;
  }
  return std::nullopt;
}

bool Producer::has_unlearnt_layers() const {
  for (const auto& layer : layers_) {
    if (layer.encoding.ssrc == 0 || (spec_.rtx_payload_type != 0 && layer.encoding.rtx_ssrc == 0))
      return true;
  }
  return false;
}

std::optional<RtpPacket> Producer::normalise(std::size_t index, std::span<std::uint8_t> data,
                                             std::size_t& len, bool& recovered) const {
  const auto& encoding = layers_[index].encoding;
  auto packet = RtpPacket::parse(data.first(len));
  if (!packet) return std::nullopt;
  recovered = encoding.rtx_ssrc != 0 && packet->ssrc() == encoding.rtx_ssrc;
  if (recovered) {
    if (packet->payload_type() != spec_.rtx_payload_type) return std::nullopt;
    const auto size = rtx_decode(data, len, spec_.payload_type, encoding.ssrc);
    if (!size) return std::nullopt;
    len = *size;
    packet = RtpPacket::parse(data.first(len));
    if (!packet) return std::nullopt;
  }
  if (packet->payload_type() != spec_.payload_type) return std::nullopt;
  packet->set_payload_type(spec_.router_payload_type);
  packet->remap_extension_ids(extension_map_);
  return packet;
}

void Producer::want_keyframe() {
  for (auto& layer : layers_) layer.keyframe_wanted = true;
}

bool Producer::take_keyframe_request(std::size_t index, Clock::time_point now) {
  Layer& layer = layers_[index];
  if (!layer.keyframe_wanted || now - layer.last_keyframe_request < kKeyframeInterval) {
    return false;
  }
  layer.keyframe_wanted = false;
  layer.last_keyframe_request = now;
  return true;
}

void Producer::on_sender_report(std::size_t index, const SenderInfo& info, Clock::time_point now) {
  Layer& layer = layers_[index];
  layer.sender_clock = SenderClock{info.ntp, info.rtp_timestamp, now};
  layer.stats.on_sender_report(info.ntp, now);
}

}  // namespace confab::sfu
