#include "meeting/rtp_parameters.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <span>

#include "meeting/error_code.hpp"

namespace confab::meeting {

namespace {

using nlohmann::json;

struct Feedback {
  std::string_view type;
  std::string_view parameter;
};

// No transport-cc: the data plane estimates bandwidth with REMB from abs-send-time (as Galène
// does) until it writes transport-wide feedback; offering it before would leave Chrome's
// send-side estimator without the feedback it waits for.
constexpr Feedback kVideoFeedback[] = {
    {"nack", ""}, {"nack", "pli"}, {"ccm", "fir"}, {"goog-remb", ""}};

struct RouterCodec {
  MediaKind kind;
  std::string_view mime_type;
  std::uint8_t payload_type;
  std::uint32_t clock_rate;
  std::uint8_t channels;          // audio; 0 for video
  std::uint8_t rtx_payload_type;  // 0: no RTX
  std::span<const Feedback> feedback;
};

constexpr std::array<RouterCodec, 2> kCodecs = {{
    {MediaKind::audio, "audio/opus", kOpusPayloadType, 48000, 2, 0, {}},
    {MediaKind::video, "video/VP8", kVp8PayloadType, 90000, 0, kVp8RtxPayloadType, kVideoFeedback},
}};

struct RouterExtension {
  MediaKind kind;
  std::string_view uri;
  std::uint8_t id;
  // Forwarded to consumers. The publisher's MID is not: it names the publisher's m-section,
  // and consumers demultiplex by SSRC (mediasoup-client writes a=ssrc lines), so the router
  // takes it (direction recvonly) and the data plane never forwards it.
  bool to_consumers;
};

constexpr std::array<RouterExtension, 8> kExtensions = {{
    {MediaKind::audio, kMidUri, kMidExtensionId, false},
    {MediaKind::video, kMidUri, kMidExtensionId, false},
    // Simulcast layer names: a consumer receives one layer under its own SSRC.
    {MediaKind::video, kRidUri, kRidExtensionId, false},
    {MediaKind::video, kRepairedRidUri, kRepairedRidExtensionId, false},
    {MediaKind::audio, kAbsSendTimeUri, kAbsSendTimeExtensionId, true},
    {MediaKind::video, kAbsSendTimeUri, kAbsSendTimeExtensionId, true},
    {MediaKind::audio, kAudioLevelUri, kAudioLevelExtensionId, true},
    {MediaKind::video, kVideoOrientationUri, kVideoOrientationExtensionId, true},
}};
static_assert(std::none_of(kExtensions.begin(), kExtensions.end(),
                           [](const RouterExtension& e) { return e.id == kUnusedExtensionId; }),
              "kUnusedExtensionId must never be offered");
static_assert(
    [] {
      for (const auto& a : kExtensions) {
        for (const auto& b : kExtensions) {
          if (a.id == b.id && a.uri != b.uri) return false;
        }
      }
      return true;
    }(),
    "one router id per extension");

constexpr std::size_t kMaxCodecs = 16;
constexpr std::size_t kMaxCapabilityCodecs = 64;
constexpr std::size_t kMaxExtensions = 32;
constexpr std::size_t kMaxCapabilityExtensions = 64;
constexpr std::size_t kMaxFeedback = 32;
constexpr std::size_t kMaxCodecParameters = 32;
constexpr std::size_t kMaxStringLength = 256;
constexpr std::uint8_t kMaxOneByteExtensionId = 14;

// Errors name the field by its path, e.g. rtp_parameters.encodings[0].ssrc.
[[noreturn]] void bad(const std::string& path, std::string_view expectation) {
  throw RequestError(ErrorCode::bad_rtp_parameters, path + " " + std::string(expectation));
}

std::string item(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The member, or nullptr when absent or null (JavaScript's undefined fields arrive as either).
const json* member(const json& object, std::string_view key) {
  const auto it = object.find(key);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

const json& object_at(const json& value, const std::string& path) {
  if (!value.is_object()) bad(path, "must be an object");
  return value;
}

std::string_view string_value(const json& value, const std::string& path) {
  if (!value.is_string()) bad(path, "must be a string");
  const auto& text = value.get_ref<const std::string&>();
  if (text.empty() || text.size() > kMaxStringLength) bad(path, "must be 1..256 characters");
  return text;
}

std::string_view required_string(const json& object, std::string_view key,
                                 const std::string& path) {
  const json* value = member(object, key);
  const std::string field = path + "." + std::string(key);
  if (value == nullptr) bad(field, "is required");
  return string_value(*value, field);
}

std::int64_t integer_value(const json& value, const std::string& path, std::int64_t min,
                           std::int64_t max) {
  std::int64_t number = 0;
  if (value.is_number_unsigned()) {
    const auto unsigned_number = value.get<std::uint64_t>();
    if (unsigned_number > static_cast<std::uint64_t>(max))
      number = max + 1;
    else
      number = static_cast<std::int64_t>(unsigned_number);
  } else if (value.is_number_integer()) {
    number = value.get<std::int64_t>();
  } else {
    bad(path, "must be an integer");
  }
  if (number < min || number > max) {
    bad(path, "must be " + std::to_string(min) + ".." + std::to_string(max));
  }
  return number;
}

std::optional<std::int64_t> optional_integer(const json& object, std::string_view key,
                                             const std::string& path, std::int64_t min,
                                             std::int64_t max) {
  const json* value = member(object, key);
  if (value == nullptr) return std::nullopt;
  return integer_value(*value, path + "." + std::string(key), min, max);
}

std::int64_t required_integer(const json& object, std::string_view key, const std::string& path,
                              std::int64_t min, std::int64_t max) {
  const auto value = optional_integer(object, key, path, min, max);
  if (!value) bad(path + "." + std::string(key), "is required");
  return *value;
}

std::optional<bool> optional_bool(const json& object, std::string_view key,
                                  const std::string& path) {
  const json* value = member(object, key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_boolean()) bad(path + "." + std::string(key), "must be a boolean");
  return value->get<bool>();
}

// An array of at most `max` entries; absent gives an empty one when not `required`.
const json& array_member(const json& object, std::string_view key, const std::string& path,
                         std::size_t max, bool required) {
  static const json kEmpty = json::array();
  const json* value = member(object, key);
  const std::string field = path + "." + std::string(key);
  if (value == nullptr) {
    if (required) bad(field, "is required");
    return kEmpty;
  }
  if (!value->is_array()) bad(field, "must be an array");
  if (value->size() > max) bad(field, "has more than " + std::to_string(max) + " entries");
  return *value;
}

// RTP payload types: 7 bits, and not 64..95, which rtcp-mux leaves to RTCP (RFC 5761).
std::uint8_t payload_type(const json& codec, const std::string& path) {
  const auto pt = required_integer(codec, "payloadType", path, 0, 127);
  if (pt >= 64 && pt <= 95) bad(path + ".payloadType", "must not be 64..95 (RTCP with rtcp-mux)");
  return static_cast<std::uint8_t>(pt);
}

std::uint32_t ssrc_of(const json& object, const std::string& path) {
  return static_cast<std::uint32_t>(required_integer(object, "ssrc", path, 1, 0xFFFFFFFF));
}

std::optional<MediaKind> kind_of_mime(std::string_view mime) {
  const auto slash = mime.find('/');
  if (slash == std::string_view::npos || slash + 1 == mime.size()) return std::nullopt;
  return parse_media_kind(mime.substr(0, slash));
}

bool is_rtx(std::string_view mime) {
  const auto slash = mime.find('/');
  return slash != std::string_view::npos && iequals(mime.substr(slash + 1), "rtx");
}

// Audio without `channels` is mono, as mediasoup's validation has it.
std::int64_t channels_of(const json& codec, MediaKind kind, const std::string& path) {
  if (kind != MediaKind::audio) return 0;
  return optional_integer(codec, "channels", path, 1, 8).value_or(1);
}

const RouterCodec* find_router_codec(std::string_view mime, std::int64_t clock_rate,
                                     std::int64_t channels) {
  for (const auto& codec : kCodecs) {
    if (iequals(codec.mime_type, mime) && codec.clock_rate == clock_rate &&
        codec.channels == channels) {
      return &codec;
    }
  }
  return nullptr;
}

const RouterCodec& router_codec_by_payload_type(std::uint8_t payload_type) {
  for (const auto& codec : kCodecs) {
    if (codec.payload_type == payload_type) return codec;
  }
  throw RequestError(ErrorCode::unsupported_codec, "the producer's codec is not the router's");
}

[[noreturn]] void unsupported(std::string_view mime, std::int64_t clock_rate) {
  throw RequestError(ErrorCode::unsupported_codec,
                     "unsupported codec " + std::string(mime) + " " + std::to_string(clock_rate) +
                         ": the SFU takes audio/opus 48000/2 and video/VP8 90000");
}

// fmtp parameters: {name: string | number}, bounded.
json codec_parameters(const json& codec, const std::string& path) {
  const json* value = member(codec, "parameters");
  if (value == nullptr) return json::object();
  const std::string field = path + ".parameters";
  object_at(*value, field);
  if (value->size() > kMaxCodecParameters) bad(field, "has too many entries");
  for (const auto& [name, parameter] : value->items()) {
    if (name.empty() || name.size() > 64) bad(field, "has a name that is not 1..64 characters");
    if (parameter.is_string()) {
      if (parameter.get_ref<const std::string&>().size() > kMaxStringLength) {
        bad(field + "." + name, "is longer than 256 characters");
      }
    } else if (!parameter.is_number()) {
      bad(field + "." + name, "must be a string or a number");
    }
  }
  return *value;
}

std::string cname_of(const json& rtp_parameters) {
  const json* rtcp = member(rtp_parameters, "rtcp");
  if (rtcp == nullptr) return {};
  const std::string path = "rtp_parameters.rtcp";
  object_at(*rtcp, path);
  optional_bool(*rtcp, "reducedSize", path);
  if (optional_bool(*rtcp, "mux", path) == false) bad(path + ".mux", "must be true (rtcp-mux)");
  const json* cname = member(*rtcp, "cname");
  // Chrome writes no a=ssrc lines (where the cname is) for rid simulcast: mediasoup-client then
  // sends "", which is as good as none.
  if (cname == nullptr || (cname->is_string() && cname->get_ref<const std::string&>().empty())) {
    return {};
  }
  const std::string_view text = string_value(*cname, path + ".cname");
  if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c <= 0x7e; })) {
    bad(path + ".cname", "must be printable ASCII");
  }
  return std::string(text);
}

void map_extensions(const json& rtp_parameters, ProducerParameters& producer) {
  producer.extensions.fill(kUnusedExtensionId);
  const std::string path = "rtp_parameters.headerExtensions";
  const json& extensions =
      array_member(rtp_parameters, "headerExtensions", "rtp_parameters", kMaxExtensions, false);
  std::array<bool, 256> seen{};
  for (std::size_t i = 0; i < extensions.size(); ++i) {
    const std::string at = item(path, i);
    const json& extension = object_at(extensions[i], at);
    const std::string_view uri = required_string(extension, "uri", at);
    const auto id = required_integer(extension, "id", at, 1, 255);
    if (seen[static_cast<std::size_t>(id)]) bad(at + ".id", "is used twice");
    seen[static_cast<std::size_t>(id)] = true;
    const bool encrypted = optional_bool(extension, "encrypt", at).value_or(false);
    const json* parameters = member(extension, "parameters");
    if (parameters != nullptr) object_at(*parameters, at + ".parameters");

    const auto known = std::find_if(kExtensions.begin(), kExtensions.end(), [&](const auto& e) {
      return e.kind == producer.kind && e.uri == uri;
    });
    if (known == kExtensions.end()) continue;  // not negotiated with the router: never forwarded
    if (encrypted) bad(at + ".encrypt", "must be false (no encrypted header extensions)");
    if (id > kMaxOneByteExtensionId) bad(at + ".id", "must be 1..14 (one-byte header form)");
    producer.extensions[static_cast<std::size_t>(id)] =
        known->to_consumers ? known->id : kUnusedExtensionId;
    // The ids the data plane reads on the publisher's packets to tell streams apart.
    const auto publisher_id = static_cast<std::uint8_t>(id);
    if (uri == kMidUri) producer.mid_extension_id = publisher_id;
    if (uri == kRidUri) producer.rid_extension_id = publisher_id;
    if (uri == kRepairedRidUri) producer.repaired_rid_extension_id = publisher_id;
  }
}

// RFC 8851 rid-id, kept to what fits a one-byte header extension (16 bytes).
bool valid_rid(std::string_view rid) {
  return !rid.empty() && rid.size() <= 16 && std::all_of(rid.begin(), rid.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

// "L1T<n>": one spatial layer, n temporal ones. Spatial scalability (SVC) is not forwarded:
// VP8 has none, and lower resolutions come as simulcast encodings instead.
std::uint8_t temporal_layers(const json& encoding, const std::string& at) {
  const json* mode = member(encoding, "scalabilityMode");
  if (mode == nullptr) return 1;
  const std::string path = at + ".scalabilityMode";
  const std::string_view text = string_value(*mode, path);
  if (text == "L1T1") return 1;
  if (text == "L1T2") return 2;
  if (text == "L1T3") return 3;
  bad(path, "must be L1T1, L1T2 or L1T3 (got \"" + std::string(text.substr(0, 16)) +
                "\"): spatial layers (S/L2/L3 modes) are not supported, send simulcast "
                "encodings instead");
}

// One encoding: by ssrc (and rtx.ssrc), or, when `by_rid`, by rid alone.
EncodingSpec read_encoding(const json& encoding, const std::string& at, bool by_rid,
                           bool has_rtx_codec) {
  object_at(encoding, at);
  EncodingSpec layer;
  const json* rid = member(encoding, "rid");
  if (rid != nullptr) {
    if (!rid->is_string() || !valid_rid(rid->get_ref<const std::string&>())) {
      bad(at + ".rid", "must be 1..16 characters of A-Z a-z 0-9 - _");
    }
    layer.rid = rid->get<std::string>();
  }
  const bool has_ssrc = member(encoding, "ssrc") != nullptr;
  if (by_rid) {
    if (has_ssrc || member(encoding, "rtx") != nullptr) {
      bad(at, "must not have an ssrc: encodings are all identified by rid or all by ssrc");
    }
    if (rid == nullptr) bad(at + ".rid", "is required (encodings[0] has a rid and no ssrc)");
  } else {
    if (!has_ssrc) bad(at + ".ssrc", "is required (encodings[0] has one)");
    layer.ssrc = ssrc_of(encoding, at);
    if (const json* rtx = member(encoding, "rtx"); rtx != nullptr) {
      object_at(*rtx, at + ".rtx");
      if (!has_rtx_codec) bad(at + ".rtx", "needs an RTX codec in codecs");
      layer.rtx_ssrc = ssrc_of(*rtx, at + ".rtx");
    }
  }
  layer.temporal_layers = temporal_layers(encoding, at);
  return layer;
}

void read_encodings(const json& rtp_parameters, ProducerParameters& producer, bool has_rtx_codec) {
  const std::string path = "rtp_parameters.encodings";
  const json& encodings = array_member(rtp_parameters, "encodings", "rtp_parameters", 8, true);
  const std::size_t max = producer.kind == MediaKind::audio ? 1 : kMaxSimulcastLayers;
  if (encodings.empty() || encodings.size() > max) {
    bad(path, producer.kind == MediaKind::audio
                  ? "must hold one encoding (audio has no simulcast)"
                  : "must hold 1.." + std::to_string(max) + " encodings (simulcast layers)");
  }
  // mediasoup-client in Chrome (Unified Plan) names simulcast layers by rid and leaves the
  // SSRCs to the browser; a single encoding, and audio, come with their ssrc.
  const json& first = object_at(encodings[0], item(path, 0));
  const bool by_rid = member(first, "ssrc") == nullptr && member(first, "rid") != nullptr;
  if (by_rid && producer.kind == MediaKind::audio) {
    bad(item(path, 0) + ".ssrc", "is required for audio");
  }
  std::vector<std::uint32_t> ssrcs;
  for (std::size_t i = 0; i < encodings.size(); ++i) {
    const std::string at = item(path, i);
    EncodingSpec layer = read_encoding(encodings[i], at, by_rid, has_rtx_codec);
    for (const auto& other : producer.encodings) {
      if (!layer.rid.empty() && layer.rid == other.rid) bad(at + ".rid", "is used twice");
    }
    for (const std::uint32_t ssrc : {layer.ssrc, layer.rtx_ssrc}) {
      if (ssrc == 0) continue;
      if (std::find(ssrcs.begin(), ssrcs.end(), ssrc) != ssrcs.end()) {
        bad(at, "reuses ssrc " + std::to_string(ssrc) + ": every stream needs its own");
      }
      ssrcs.push_back(ssrc);
    }
    producer.encodings.push_back(std::move(layer));
  }
  if (by_rid && producer.rid_extension_id == 0) {
    bad("rtp_parameters.headerExtensions",
        "must include " + std::string(kRidUri) + " for encodings identified by rid");
  }
  const bool any_rtx = std::any_of(producer.encodings.begin(), producer.encodings.end(),
                                   [](const EncodingSpec& e) { return e.rtx_ssrc != 0; });
  // An RTX codec without an RTX stream (or, by rid, without repaired-rid to learn its SSRC):
  // retransmissions, if any, are not separate.
  if (by_rid ? producer.repaired_rid_extension_id == 0 : !any_rtx) {
    producer.rtx_payload_type = 0;
    producer.router_rtx_payload_type = 0;
  }
}

json feedback_json(std::span<const Feedback> feedback) {
  json entries = json::array();
  for (const auto& entry : feedback) {
    entries.push_back({{"type", entry.type}, {"parameter", entry.parameter}});
  }
  return entries;
}

json build_capabilities() {
  json codecs = json::array();
  for (const auto& codec : kCodecs) {
    json entry{{"kind", to_string(codec.kind)},
               {"mimeType", codec.mime_type},
               {"preferredPayloadType", codec.payload_type},
               {"clockRate", codec.clock_rate}};
    if (codec.kind == MediaKind::audio) {
      entry["channels"] = codec.channels;
      entry["parameters"] = {{"minptime", 10}, {"useinbandfec", 1}};
    } else {
      entry["parameters"] = json::object();
    }
    entry["rtcpFeedback"] = feedback_json(codec.feedback);
    codecs.push_back(std::move(entry));
    if (codec.rtx_payload_type != 0) {
      const std::string rtx_mime = std::string(to_string(codec.kind)) + "/rtx";
      codecs.push_back({{"kind", to_string(codec.kind)},
                        {"mimeType", rtx_mime},
                        {"preferredPayloadType", codec.rtx_payload_type},
                        {"clockRate", codec.clock_rate},
                        {"parameters", {{"apt", codec.payload_type}}},
                        {"rtcpFeedback", json::array()}});
    }
  }
  json extensions = json::array();
  for (const auto& extension : kExtensions) {
    extensions.push_back({{"kind", to_string(extension.kind)},
                          {"uri", extension.uri},
                          {"preferredId", extension.id},
                          {"preferredEncrypt", false},
                          {"direction", extension.to_consumers ? "sendrecv" : "recvonly"}});
  }
  return json{{"codecs", std::move(codecs)}, {"headerExtensions", std::move(extensions)}};
}

struct CapabilityCodec {
  std::string_view mime;
  std::int64_t clock_rate = 0;
  std::int64_t channels = 0;
};

CapabilityCodec read_capability_codec(const json& codec, const std::string& at) {
  object_at(codec, at);
  CapabilityCodec result;
  result.mime = required_string(codec, "mimeType", at);
  result.clock_rate = required_integer(codec, "clockRate", at, 1, 10'000'000);
  const auto kind = kind_of_mime(result.mime);
  if (!kind) bad(at + ".mimeType", "must be audio/... or video/...");
  result.channels = channels_of(codec, *kind, at);
  return result;
}

bool has_feedback(const json& codec, const Feedback& wanted, const std::string& at) {
  const json& feedback = array_member(codec, "rtcpFeedback", at, kMaxFeedback, false);
  bool found = false;
  for (std::size_t i = 0; i < feedback.size(); ++i) {
    const std::string entry_path = item(at + ".rtcpFeedback", i);
    const json& entry = object_at(feedback[i], entry_path);
    const std::string_view type = required_string(entry, "type", entry_path);
    const json* parameter = member(entry, "parameter");
    std::string_view parameter_text;
    if (parameter != nullptr) {
      if (!parameter->is_string()) bad(entry_path + ".parameter", "must be a string");
      parameter_text = parameter->get_ref<const std::string&>();
    }
    found = found || (type == wanted.type && parameter_text == wanted.parameter);
  }
  return found;
}

}  // namespace

std::string_view to_string(MediaKind kind) {
  return kind == MediaKind::audio ? "audio" : "video";
}

std::optional<MediaKind> parse_media_kind(std::string_view text) {
  if (iequals(text, "audio")) return MediaKind::audio;
  if (iequals(text, "video")) return MediaKind::video;
  return std::nullopt;
}

const json& router_rtp_capabilities() {
  static const json kCapabilities = build_capabilities();
  return kCapabilities;
}

ProducerParameters parse_producer_parameters(MediaKind kind, const json& rtp_parameters) {
  const std::string root = "rtp_parameters";
  object_at(rtp_parameters, root);
  ProducerParameters producer;
  producer.kind = kind;

  const json& codecs = array_member(rtp_parameters, "codecs", root, kMaxCodecs, true);
  if (codecs.empty()) bad(root + ".codecs", "must hold the codec being sent");
  // The first codec is the one being sent (mediasoup's rule); the rest may only be its RTX.
  const std::string first = item(root + ".codecs", 0);
  object_at(codecs[0], first);
  const std::string_view mime = required_string(codecs[0], "mimeType", first);
  const auto codec_kind = kind_of_mime(mime);
  if (!codec_kind) bad(first + ".mimeType", "must be audio/... or video/...");
  if (is_rtx(mime)) bad(first, "must be the media codec, not RTX");
  if (*codec_kind != kind) bad(first + ".mimeType", "does not match kind");
  const auto clock_rate = required_integer(codecs[0], "clockRate", first, 1, 10'000'000);
  const RouterCodec* router =
      find_router_codec(mime, clock_rate, channels_of(codecs[0], kind, first));
  if (router == nullptr) unsupported(mime, clock_rate);
  producer.payload_type = payload_type(codecs[0], first);
  producer.router_payload_type = router->payload_type;
  producer.clock_rate = router->clock_rate;
  producer.codec_parameters = codec_parameters(codecs[0], first);

  bool has_rtx_codec = false;
  for (std::size_t i = 1; i < codecs.size(); ++i) {
    const std::string at = item(root + ".codecs", i);
    const json& codec = object_at(codecs[i], at);
    const std::string_view other_mime = required_string(codec, "mimeType", at);
    const auto other_clock_rate = required_integer(codec, "clockRate", at, 1, 10'000'000);
    if (!is_rtx(other_mime)) {
      const auto other_kind = kind_of_mime(other_mime);
      if (!other_kind || *other_kind != kind ||
          find_router_codec(other_mime, other_clock_rate, channels_of(codec, kind, at)) ==
              nullptr) {
        unsupported(other_mime, other_clock_rate);
      }
      bad(at, "is a second media codec: a producer sends one (and its RTX)");
    }
    if (router->rtx_payload_type == 0) {
      throw RequestError(ErrorCode::unsupported_codec,
                         "the SFU takes no RTX for " + std::string(router->mime_type));
    }
    if (has_rtx_codec) bad(at, "is a second RTX codec");
    const json* parameters = member(codec, "parameters");
    if (parameters == nullptr) bad(at + ".parameters.apt", "is required");
    object_at(*parameters, at + ".parameters");
    const auto apt = required_integer(*parameters, "apt", at + ".parameters", 0, 127);
    if (apt != producer.payload_type) {
      bad(at + ".parameters.apt", "must be the media codec's payloadType");
    }
    if (other_clock_rate != clock_rate) bad(at + ".clockRate", "must be the media codec's");
    producer.rtx_payload_type = payload_type(codec, at);
    if (producer.rtx_payload_type == producer.payload_type) {
      bad(at + ".payloadType", "must differ from the media codec's");
    }
    producer.router_rtx_payload_type = router->rtx_payload_type;
    has_rtx_codec = true;
  }

  map_extensions(rtp_parameters, producer);
  read_encodings(rtp_parameters, producer, has_rtx_codec);
  producer.cname = cname_of(rtp_parameters);
  if (const json* mid = member(rtp_parameters, "mid"); mid != nullptr) {
    // The MID header extension carries it: at most 16 bytes (one-byte form).
    producer.mid = std::string(string_value(*mid, root + ".mid"));
    if (producer.mid.size() > 16 || !std::all_of(producer.mid.begin(), producer.mid.end(),
                                                 [](char c) { return c > 0x20 && c < 0x7f; })) {
      bad(root + ".mid", "must be 1..16 printable ASCII characters");
    }
  }
  return producer;
}

ConsumerParameters consumer_parameters(const ProducerParameters& producer,
                                       const json& rtp_capabilities, std::uint32_t ssrc,
                                       std::uint32_t rtx_ssrc) {
  const std::string root = "rtp_capabilities";
  object_at(rtp_capabilities, root);
  const RouterCodec& router = router_codec_by_payload_type(producer.router_payload_type);

  const json& codecs = array_member(rtp_capabilities, "codecs", root, kMaxCapabilityCodecs, true);
  const json* matched = nullptr;
  std::string matched_path;
  bool takes_rtx = false;
  for (std::size_t i = 0; i < codecs.size(); ++i) {
    const std::string at = item(root + ".codecs", i);
    const CapabilityCodec codec = read_capability_codec(codecs[i], at);
    if (matched == nullptr && iequals(codec.mime, router.mime_type) &&
        codec.clock_rate == router.clock_rate && codec.channels == router.channels) {
      matched = &codecs[i];
      matched_path = at;
    }
    // As mediasoup: any RTX at the codec's clock rate; the consumer gets the router's pts.
    if (router.rtx_payload_type != 0 && is_rtx(codec.mime) &&
        kind_of_mime(codec.mime) == router.kind && codec.clock_rate == router.clock_rate) {
      takes_rtx = true;
    }
  }
  if (matched == nullptr) {
    throw RequestError(ErrorCode::unsupported_codec,
                       "your device cannot receive " + std::string(router.mime_type));
  }

  json extensions = json::array();
  const json& offered =
      array_member(rtp_capabilities, "headerExtensions", root, kMaxCapabilityExtensions, false);
  bool abs_send_time = false;
  for (const auto& extension : kExtensions) {
    if (extension.kind != router.kind || !extension.to_consumers) continue;
    bool supported = false;
    for (std::size_t i = 0; i < offered.size() && !supported; ++i) {
      const std::string at = item(root + ".headerExtensions", i);
      const json& entry = object_at(offered[i], at);
      const json* kind = member(entry, "kind");
      if (kind != nullptr && (!kind->is_string() || !parse_media_kind(kind->get<std::string>()))) {
        bad(at + ".kind", "must be audio or video");
      }
      supported = (kind == nullptr || *parse_media_kind(kind->get<std::string>()) == router.kind) &&
                  required_string(entry, "uri", at) == extension.uri &&
                  required_integer(entry, "preferredId", at, 1, 255) == extension.id;
    }
    if (!supported) continue;
    abs_send_time = abs_send_time || extension.uri == kAbsSendTimeUri;
    extensions.push_back({{"uri", extension.uri},
                          {"id", extension.id},
                          {"encrypt", false},
                          {"parameters", json::object()}});
  }

  json feedback = json::array();
  for (const auto& entry : router.feedback) {
    // REMB needs abs-send-time on the consumer's packets.
    if (entry.type == "goog-remb" && !abs_send_time) continue;
    if (has_feedback(*matched, entry, matched_path)) {
      feedback.push_back({{"type", entry.type}, {"parameter", entry.parameter}});
    }
  }

  ConsumerParameters result;
  result.payload_type = router.payload_type;
  json media{{"mimeType", router.mime_type},
             {"payloadType", router.payload_type},
             {"clockRate", router.clock_rate}};
  if (router.kind == MediaKind::audio) media["channels"] = router.channels;
  media["parameters"] = producer.codec_parameters;
  media["rtcpFeedback"] = std::move(feedback);
  json out_codecs = json::array({std::move(media)});
  json encoding{{"ssrc", ssrc}};
  if (takes_rtx) {
    result.rtx_payload_type = router.rtx_payload_type;
    out_codecs.push_back({{"mimeType", std::string(to_string(router.kind)) + "/rtx"},
                          {"payloadType", router.rtx_payload_type},
                          {"clockRate", router.clock_rate},
                          {"parameters", {{"apt", router.payload_type}}},
                          {"rtcpFeedback", json::array()}});
    encoding["rtx"] = {{"ssrc", rtx_ssrc}};
  }
  result.rtp_parameters =
      json{{"codecs", std::move(out_codecs)},
           {"headerExtensions", std::move(extensions)},
           {"encodings", json::array({std::move(encoding)})},
           {"rtcp", {{"cname", producer.cname}, {"reducedSize", true}, {"mux", true}}}};
  return result;
}

}  // namespace confab::meeting
