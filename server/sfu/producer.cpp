#include "sfu/producer.hpp"

#include <cstring>

#include "sfu/rtx.hpp"

namespace confab::sfu {

Producer::Producer(const meeting::ProducerSpec& spec, WebRtcTransport& transport)
    : spec_(spec), transport_(transport), paused_(spec.paused), stats_(spec.clock_rate) {
  // Ids the producer did not negotiate stay 0: their elements are blanked to padding.
  for (std::size_t id = 0; id < spec.extensions.size(); ++id)
    extension_map_[id] = spec.extensions[id];
}

std::optional<RtpPacket> Producer::normalise(std::span<std::uint8_t> data, std::size_t& len,
                                             bool& recovered) const {
  auto packet = RtpPacket::parse(data.first(len));
  if (!packet) return std::nullopt;
  recovered = spec_.encodings[0].rtx_ssrc != 0 && packet->ssrc() == spec_.encodings[0].rtx_ssrc;
  if (recovered) {
    if (packet->payload_type() != spec_.rtx_payload_type) return std::nullopt;
    const auto size = rtx_decode(data, len, spec_.payload_type, spec_.encodings[0].ssrc);
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

void Producer::on_sender_report(const SenderInfo& info, Clock::time_point now) {
  sender_clock_ = SenderClock{info.ntp, info.rtp_timestamp, now};
  stats_.on_sender_report(info.ntp, now);
}

bool Producer::take_keyframe_request(Clock::time_point now) {
  if (!keyframe_wanted_ || now - last_keyframe_request_ < kKeyframeInterval) return false;
  keyframe_wanted_ = false;
  last_keyframe_request_ = now;
  return true;
}

}  // namespace confab::sfu
