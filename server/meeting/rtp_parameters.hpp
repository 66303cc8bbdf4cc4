#pragma once
// The router's fixed RTP capabilities, and the small part of mediasoup's ortc.ts the meeting
// needs for them: a producer's rtp_parameters (as mediasoup-client's transport.produce() sends
// them) validated and mapped onto the router's payload types and header-extension ids, and a
// consumer's rtp_parameters (for mediasoup-client's transport.consume()) from the producer and
// what the consumer's device can receive. Refusals throw RequestError: unsupported_codec for a
// codec the router or the consumer lacks, bad_rtp_parameters for anything malformed.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meeting/media_router.hpp"

namespace confab::meeting {

// The router's payload types: what every consumer receives.
inline constexpr std::uint8_t kOpusPayloadType = 100;
inline constexpr std::uint8_t kVp8PayloadType = 101;
inline constexpr std::uint8_t kVp8RtxPayloadType = 102;

// The router's header-extension ids: media_router.hpp (the data plane reads some of them).

inline constexpr std::string_view kMidUri = "urn:ietf:params:rtp-hdrext:sdes:mid";
inline constexpr std::string_view kAbsSendTimeUri =
    "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
inline constexpr std::string_view kAudioLevelUri = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
inline constexpr std::string_view kVideoOrientationUri = "urn:3gpp:video-orientation";
inline constexpr std::string_view kRidUri = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
inline constexpr std::string_view kRepairedRidUri =
    "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";

// The router's ids for the simulcast layer names (RFC 8852), video only. Like MID they are only
// read from publishers (the data plane learns layer SSRCs from them), never sent to consumers.
inline constexpr std::uint8_t kRidExtensionId = 2;
inline constexpr std::uint8_t kRepairedRidExtensionId = 3;

std::string_view to_string(MediaKind kind);
std::optional<MediaKind> parse_media_kind(std::string_view text);

// mediasoup RtpCapabilities, as mediasoup-client's Device.load({routerRtpCapabilities}) takes
// them: {codecs: [...], headerExtensions: [...]}.
const nlohmann::json& router_rtp_capabilities();

// A producer's stream, validated and mapped: the ProducerSpec fields, and what its consumers'
// parameters repeat.
struct ProducerParameters {
  MediaKind kind = MediaKind::audio;
  std::vector<EncodingSpec> encodings;  // lowest first, as ProducerSpec
  std::string mid;                      // rtp_parameters.mid, empty if none
  std::uint8_t mid_extension_id = 0;    // the publisher's ids, 0: not negotiated
  std::uint8_t rid_extension_id = 0;
  std::uint8_t repaired_rid_extension_id = 0;
  std::uint8_t payload_type = 0;
  std::uint8_t rtx_payload_type = 0;
  std::uint8_t router_payload_type = 0;
  std::uint8_t router_rtx_payload_type = 0;
  std::uint32_t clock_rate = 0;
  ExtensionMap extensions{};
  std::string cname;  // rtcp.cname, empty if the producer sent none
  // The codec's fmtp parameters, handed on to consumers as mediasoup does (opus stereo/FEC).
  nlohmann::json codec_parameters = nlohmann::json::object();
};

// `rtp_parameters` of sfu_produce for a producer of `kind`. One media codec (the first entry)
// and at most its RTX. Audio: exactly one encoding, with an ssrc. Video: 1..kMaxSimulcastLayers
// encodings (simulcast, lowest resolution first as mediasoup-client sends them), either all with
// an ssrc (and rtx.ssrc) or all with a unique rid and no ssrc (the browser picks the SSRCs; the
// rtp-stream-id header extension must then be negotiated); scalabilityMode L1T1..L1T3 sets an
// encoding's temporal layers, spatial modes (S.../L2.../L3...) are refused.
ProducerParameters parse_producer_parameters(MediaKind kind, const nlohmann::json& rtp_parameters);

struct ConsumerParameters {
  std::uint8_t payload_type = 0;
  std::uint8_t rtx_payload_type = 0;  // 0: the consumer takes no RTX (rtx_ssrc unused)
  // mediasoup RtpParameters: {codecs, headerExtensions, encodings: [{ssrc, rtx?}], rtcp}.
  nlohmann::json rtp_parameters;
};

// What a consumer with `rtp_capabilities` (mediasoup-client's device.rtpCapabilities) receives
// of `producer`: the router's payload types, `ssrc` (and `rtx_ssrc` if it takes RTX; both
// fresh, chosen by the caller), the header extensions and RTCP feedback it supports, the
// producer's cname. unsupported_codec if it cannot decode the producer's codec.
ConsumerParameters consumer_parameters(const ProducerParameters& producer,
                                       const nlohmann::json& rtp_capabilities, std::uint32_t ssrc,
                                       std::uint32_t rtx_ssrc);

}  // namespace confab::meeting
