// The router's RTP capabilities, producer parameters mapped onto them, consumer parameters.
#include "meeting/rtp_parameters.hpp"

#include <gmock/gmock.h>

#include "meeting/error_code.hpp"
#include "meeting/tests/sfu_fixture.hpp"

namespace confab::meeting::testing {
namespace {

using ::testing::HasSubstr;

// The code and message of the RequestError `f` throws.
template <typename F>
std::pair<std::string, std::string> refusal(F&& f) {
  try {
    f();
  } catch (const RequestError& error) {
    return {std::string(to_string(error.code())), error.what()};
  }
  return {"ok", ""};
}

std::pair<std::string, std::string> producer_refusal(MediaKind kind, const json& parameters) {
  return refusal([&] { parse_producer_parameters(kind, parameters); });
}

TEST(RouterRtpCapabilities, OpusVp8AndRtxWithFixedPayloadTypes) {
  const json& caps = router_rtp_capabilities();
  ASSERT_EQ(caps["codecs"].size(), 3u);
  EXPECT_EQ(caps["codecs"][0], json::parse(R"({"kind": "audio", "mimeType": "audio/opus",
      "preferredPayloadType": 100, "clockRate": 48000, "channels": 2,
      "parameters": {"minptime": 10, "useinbandfec": 1}, "rtcpFeedback": []})"));
  EXPECT_EQ(caps["codecs"][1], json::parse(R"({"kind": "video", "mimeType": "video/VP8",
      "preferredPayloadType": 101, "clockRate": 90000, "parameters": {},
      "rtcpFeedback": [{"type": "nack", "parameter": ""}, {"type": "nack", "parameter": "pli"},
                       {"type": "ccm", "parameter": "fir"}, {"type": "goog-remb", "parameter": ""}]})"));
  EXPECT_EQ(caps["codecs"][2], json::parse(R"({"kind": "video", "mimeType": "video/rtx",
      "preferredPayloadType": 102, "clockRate": 90000, "parameters": {"apt": 101},
      "rtcpFeedback": []})"));
}

TEST(RouterRtpCapabilities, HeaderExtensionsHaveFixedIdsAndNeverTheUnusedOne) {
  const json& extensions = router_rtp_capabilities()["headerExtensions"];
  std::map<std::pair<std::string, std::string>, std::pair<int, std::string>> by_kind_and_uri;
  for (const auto& e : extensions) {
    EXPECT_EQ(e["preferredEncrypt"], false);
    EXPECT_NE(e["preferredId"], kUnusedExtensionId);
    by_kind_and_uri[{e["kind"], e["uri"]}] = {e["preferredId"], e["direction"]};
  }
  using Entry = std::pair<int, std::string>;
  auto at = [&](const std::string& kind, std::string_view uri) {
    return by_kind_and_uri[std::pair(kind, std::string(uri))];
  };
  EXPECT_EQ(by_kind_and_uri.size(), 8u);
  EXPECT_EQ(at("audio", kMidUri), Entry(1, "recvonly"));
  EXPECT_EQ(at("video", kMidUri), Entry(1, "recvonly"));
  EXPECT_EQ(at("audio", kAbsSendTimeUri), Entry(4, "sendrecv"));
  EXPECT_EQ(at("video", kAbsSendTimeUri), Entry(4, "sendrecv"));
  EXPECT_EQ(at("audio", kAudioLevelUri), Entry(10, "sendrecv"));
  EXPECT_EQ(at("video", kVideoOrientationUri), Entry(11, "sendrecv"));
  EXPECT_EQ(at("video", kRidUri), Entry(2, "recvonly"));
  EXPECT_EQ(at("video", kRepairedRidUri), Entry(3, "recvonly"));
  EXPECT_EQ(at("audio", kRidUri), Entry(0, ""));  // audio has no simulcast
}

TEST(ProducerParameters, ChromeVp8WithRtxIsMappedToTheRouter) {
  const auto p = parse_producer_parameters(MediaKind::video, chrome_vp8_parameters(1111, 2222));
  EXPECT_EQ(p.kind, MediaKind::video);
  EXPECT_EQ(p.encodings.at(0).ssrc, 1111u);
  EXPECT_EQ(p.encodings.at(0).rtx_ssrc, 2222u);
  EXPECT_EQ(p.payload_type, 96);
  EXPECT_EQ(p.rtx_payload_type, 97);
  EXPECT_EQ(p.router_payload_type, 101);
  EXPECT_EQ(p.router_rtx_payload_type, 102);
  EXPECT_EQ(p.clock_rate, 90000u);
  EXPECT_EQ(p.cname, kChromeCname);
  ExtensionMap expected;
  expected.fill(kUnusedExtensionId);
  expected[2] = kAbsSendTimeExtensionId;        // Chrome's abs-send-time
  expected[13] = kVideoOrientationExtensionId;  // Chrome's video-orientation
  // Chrome's MID (4) stays unused: consumers never get the publisher's MID.
  EXPECT_EQ(p.extensions, expected);
}

TEST(ProducerParameters, ChromeOpusIsMappedToTheRouter) {
  const auto p = parse_producer_parameters(MediaKind::audio, chrome_opus_parameters(3333));
  EXPECT_EQ(p.encodings.at(0).ssrc, 3333u);
  EXPECT_EQ(p.encodings.at(0).rtx_ssrc, 0u);
  EXPECT_EQ(p.payload_type, 111);
  EXPECT_EQ(p.rtx_payload_type, 0);
  EXPECT_EQ(p.router_payload_type, 100);
  EXPECT_EQ(p.router_rtx_payload_type, 0);
  EXPECT_EQ(p.clock_rate, 48000u);
  EXPECT_EQ(p.codec_parameters, json({{"minptime", 10}, {"useinbandfec", 1}}));
  ExtensionMap expected;
  expected.fill(kUnusedExtensionId);
  expected[1] = kAudioLevelExtensionId;
  expected[2] = kAbsSendTimeExtensionId;
  EXPECT_EQ(p.extensions, expected);
}

TEST(ProducerParameters, MimeTypeIsCaseInsensitiveAndRtxIsOptional) {
  json parameters = chrome_vp8_parameters();
  parameters["codecs"][0]["mimeType"] = "video/vp8";
  parameters["codecs"].erase(1);
  parameters["encodings"][0].erase("rtx");
  const auto p = parse_producer_parameters(MediaKind::video, parameters);
  EXPECT_EQ(p.router_payload_type, 101);
  EXPECT_EQ(p.encodings.at(0).rtx_ssrc, 0u);
  EXPECT_EQ(p.rtx_payload_type, 0);
  EXPECT_EQ(p.router_rtx_payload_type, 0);
}

TEST(ProducerParameters, AnRtxCodecWithoutAnRtxStreamMeansNoRtx) {
  json parameters = chrome_vp8_parameters();
  parameters["encodings"][0].erase("rtx");
  const auto p = parse_producer_parameters(MediaKind::video, parameters);
  EXPECT_EQ(p.encodings.at(0).rtx_ssrc, 0u);
  EXPECT_EQ(p.rtx_payload_type, 0);
  EXPECT_EQ(p.router_rtx_payload_type, 0);
}

TEST(ProducerParameters, UnknownExtensionsAreIgnoredWhateverTheirId) {
  json parameters = chrome_vp8_parameters();
  parameters["headerExtensions"].push_back(
      {{"uri", "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay"}, {"id", 5}});
  parameters["headerExtensions"].push_back(
      {{"uri",
        "https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension"},
       {"id", 200}});
  const auto p = parse_producer_parameters(MediaKind::video, parameters);
  EXPECT_EQ(p.extensions[5], kUnusedExtensionId);
  // An audio-only extension on video is not negotiated either.
  parameters["headerExtensions"].push_back({{"uri", std::string(kAudioLevelUri)}, {"id", 6}});
  EXPECT_EQ(parse_producer_parameters(MediaKind::video, parameters).extensions[6],
            kUnusedExtensionId);
}

TEST(ProducerParameters, UnsupportedCodecsAreRefused) {
  json h264 = chrome_vp8_parameters();
  h264["codecs"][0]["mimeType"] = "video/H264";
  h264["codecs"][0]["parameters"] = {{"packetization-mode", 1}, {"profile-level-id", "42e01f"}};
  auto [code, message] = producer_refusal(MediaKind::video, h264);
  EXPECT_EQ(code, "unsupported_codec");
  EXPECT_THAT(message, HasSubstr("video/H264"));

  json vp9 = chrome_vp8_parameters();
  vp9["codecs"][0]["mimeType"] = "video/VP9";
  EXPECT_EQ(producer_refusal(MediaKind::video, vp9).first, "unsupported_codec");

  json mono = chrome_opus_parameters();
  mono["codecs"][0].erase("channels");  // mono opus is not the router's opus/48000/2
  EXPECT_EQ(producer_refusal(MediaKind::audio, mono).first, "unsupported_codec");

  json opus_rate = chrome_opus_parameters();
  opus_rate["codecs"][0]["clockRate"] = 16000;
  EXPECT_EQ(producer_refusal(MediaKind::audio, opus_rate).first, "unsupported_codec");

  json opus_rtx = chrome_opus_parameters();
  opus_rtx["codecs"].push_back({{"mimeType", "audio/rtx"},
                                {"payloadType", 112},
                                {"clockRate", 48000},
                                {"parameters", {{"apt", 111}}}});
  EXPECT_EQ(producer_refusal(MediaKind::audio, opus_rtx).first, "unsupported_codec");

  json second_unknown = chrome_vp8_parameters();
  second_unknown["codecs"].push_back(
      {{"mimeType", "video/H264"}, {"payloadType", 98}, {"clockRate", 90000}});
  EXPECT_EQ(producer_refusal(MediaKind::video, second_unknown).first, "unsupported_codec");
}

struct BadCase {
  const char* label;
  MediaKind kind;
  json parameters;
  const char* message_part;
};

json with(json base, const std::string& pointer, json value) {
  base[json::json_pointer(pointer)] = std::move(value);
  return base;
}
json without(json base, const std::string& parent, const std::string& key) {
  base[json::json_pointer(parent)].erase(key);
  return base;
}

TEST(ProducerParameters, MalformedParametersAreBadRtpParameters) {
  const json vp8 = chrome_vp8_parameters();
  const json opus = chrome_opus_parameters();
  json rid_only = vp8;
  rid_only["encodings"] = json::array({{{"rid", "r0"}}});
  json two_vp8 = vp8;
  two_vp8["codecs"].push_back(vp8["codecs"][0]);
  two_vp8["codecs"].back()["payloadType"] = 98;
  json two_rtx = vp8;
  two_rtx["codecs"].push_back(vp8["codecs"][1]);
  json duplicate_ext = vp8;
  duplicate_ext["headerExtensions"][1]["id"] = 4;
  json encrypted = vp8;
  encrypted["headerExtensions"][1]["encrypt"] = true;

  const std::vector<BadCase> cases = {
      {"not_object", MediaKind::video, json::array(), "rtp_parameters must be an object"},
      {"no_codecs", MediaKind::video, without(vp8, "", "codecs"), "codecs is required"},
      {"empty_codecs", MediaKind::video, with(vp8, "/codecs", json::array()), "codecs"},
      {"codecs_not_array", MediaKind::video, with(vp8, "/codecs", "vp8"), "must be an array"},
      {"codec_not_object", MediaKind::video, with(vp8, "/codecs/0", 96), "codecs[0]"},
      {"mime_missing", MediaKind::video, without(vp8, "/codecs/0", "mimeType"), "mimeType"},
      {"mime_no_kind", MediaKind::video, with(vp8, "/codecs/0/mimeType", "VP8"), "mimeType"},
      {"kind_mismatch", MediaKind::audio, vp8, "does not match kind"},
      {"rtx_first", MediaKind::video, with(vp8, "/codecs/0", vp8["codecs"][1]), "not RTX"},
      {"pt_missing", MediaKind::video, without(vp8, "/codecs/0", "payloadType"), "payloadType"},
      {"pt_negative", MediaKind::video, with(vp8, "/codecs/0/payloadType", -1), "0..127"},
      {"pt_too_big", MediaKind::video, with(vp8, "/codecs/0/payloadType", 128), "0..127"},
      {"pt_rtcp_range", MediaKind::video, with(vp8, "/codecs/0/payloadType", 72), "64..95"},
      {"pt_float", MediaKind::video, with(vp8, "/codecs/0/payloadType", 96.5), "integer"},
      {"pt_string", MediaKind::video, with(vp8, "/codecs/0/payloadType", "96"), "integer"},
      {"clock_missing", MediaKind::video, without(vp8, "/codecs/0", "clockRate"), "clockRate"},
      {"params_not_object", MediaKind::video, with(vp8, "/codecs/0/parameters", "x=1"),
       "parameters"},
      {"param_bool", MediaKind::audio, with(opus, "/codecs/0/parameters/stereo", true), "stereo"},
      {"second_media_codec", MediaKind::video, two_vp8, "second media codec"},
      {"second_rtx", MediaKind::video, two_rtx, "second RTX"},
      {"rtx_no_apt", MediaKind::video, without(vp8, "/codecs/1/parameters", "apt"), "apt"},
      {"rtx_wrong_apt", MediaKind::video, with(vp8, "/codecs/1/parameters/apt", 100), "apt"},
      {"rtx_same_pt", MediaKind::video, with(vp8, "/codecs/1/payloadType", 96), "differ"},
      {"rtx_clock", MediaKind::video, with(vp8, "/codecs/1/clockRate", 48000), "clockRate"},
      {"no_encodings", MediaKind::video, without(vp8, "", "encodings"), "encodings"},
      {"empty_encodings", MediaKind::video, with(vp8, "/encodings", json::array()),
       "1..3 encodings"},
      {"rid_without_extension", MediaKind::video, rid_only, "rtp-stream-id"},
      {"ssrc_missing", MediaKind::audio, without(opus, "/encodings/0", "ssrc"), "ssrc"},
      {"ssrc_zero", MediaKind::audio, with(opus, "/encodings/0/ssrc", 0), "ssrc"},
      {"ssrc_too_big", MediaKind::audio, with(opus, "/encodings/0/ssrc", 4294967296ull), "ssrc"},
      {"ssrc_negative", MediaKind::audio, with(opus, "/encodings/0/ssrc", -5), "ssrc"},
      {"rtx_ssrc_same", MediaKind::video, with(vp8, "/encodings/0/rtx/ssrc", 1111), "reuses ssrc"},
      {"rtx_ssrc_missing", MediaKind::video, with(vp8, "/encodings/0/rtx", json::object()),
       "rtx.ssrc"},
      {"rtx_stream_no_codec", MediaKind::audio, with(opus, "/encodings/0/rtx", {{"ssrc", 4444}}),
       "RTX codec"},
      {"ext_not_array", MediaKind::video, with(vp8, "/headerExtensions", json::object()),
       "headerExtensions"},
      {"ext_no_uri", MediaKind::video, without(vp8, "/headerExtensions/0", "uri"), "uri"},
      {"ext_id_zero", MediaKind::video, with(vp8, "/headerExtensions/0/id", 0), "id"},
      {"ext_id_two_byte", MediaKind::video, with(vp8, "/headerExtensions/1/id", 15), "1..14"},
      {"ext_duplicate_id", MediaKind::video, duplicate_ext, "used twice"},
      {"ext_encrypted", MediaKind::video, encrypted, "encrypt"},
      {"rtcp_not_object", MediaKind::video, with(vp8, "/rtcp", "x"), "rtcp"},
      {"rtcp_no_mux", MediaKind::video, with(vp8, "/rtcp/mux", false), "rtcp-mux"},
      {"cname_number", MediaKind::video, with(vp8, "/rtcp/cname", 7), "cname"},
      {"cname_control", MediaKind::video, with(vp8, "/rtcp/cname", "a\nb"), "cname"},
      {"cname_long", MediaKind::video, with(vp8, "/rtcp/cname", std::string(300, 'c')), "cname"},
      {"mid_number", MediaKind::video, with(vp8, "/mid", 0), "mid"},
      {"mid_too_long", MediaKind::video, with(vp8, "/mid", std::string(17, 'm')), "mid"},
      {"mid_space", MediaKind::video, with(vp8, "/mid", "a b"), "mid"},
  };
  for (const auto& c : cases) {
    const auto [code, message] = producer_refusal(c.kind, c.parameters);
    EXPECT_EQ(code, "bad_rtp_parameters") << c.label << ": " << message;
    EXPECT_THAT(message, HasSubstr(c.message_part)) << c.label;
  }
}

TEST(ProducerParameters, ChromeRidSimulcastGivesThreeLayersAndThePublishersIds) {
  const auto p = parse_producer_parameters(MediaKind::video, chrome_vp8_simulcast_parameters());
  ASSERT_EQ(p.encodings.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(p.encodings[i].rid, "r" + std::to_string(i));
    EXPECT_EQ(p.encodings[i].ssrc, 0u);  // learnt by the data plane from the rid
    EXPECT_EQ(p.encodings[i].rtx_ssrc, 0u);
    EXPECT_EQ(p.encodings[i].temporal_layers, 3);
  }
  EXPECT_EQ(p.mid, "0");
  EXPECT_EQ(p.mid_extension_id, 4);
  EXPECT_EQ(p.rid_extension_id, 10);
  EXPECT_EQ(p.repaired_rid_extension_id, 11);
  // RTX stays: its SSRCs come with repaired-rid.
  EXPECT_EQ(p.rtx_payload_type, 97);
  EXPECT_EQ(p.router_rtx_payload_type, 102);
  // Neither MID nor the layer names reach consumers.
  EXPECT_EQ(p.extensions[4], kUnusedExtensionId);
  EXPECT_EQ(p.extensions[10], kUnusedExtensionId);
  EXPECT_EQ(p.extensions[11], kUnusedExtensionId);
  EXPECT_EQ(p.extensions[2], kAbsSendTimeExtensionId);
  EXPECT_EQ(p.cname, "");  // Chrome's "" is no cname
}

TEST(ProducerParameters, SingleEncodingProducersKnowTheirMidExtension) {
  const auto video = parse_producer_parameters(MediaKind::video, chrome_vp8_parameters());
  EXPECT_EQ(video.mid, "0");
  EXPECT_EQ(video.mid_extension_id, 4);
  EXPECT_EQ(video.rid_extension_id, 0);
  ASSERT_EQ(video.encodings.size(), 1u);
  EXPECT_EQ(video.encodings[0].temporal_layers, 1);
  EXPECT_EQ(video.encodings[0].rid, "");
  const auto audio = parse_producer_parameters(MediaKind::audio, chrome_opus_parameters());
  EXPECT_EQ(audio.mid, "1");
  EXPECT_EQ(audio.mid_extension_id, 4);
}

TEST(ProducerParameters, SsrcSimulcastKeepsEachLayersRtx) {
  json parameters = chrome_vp8_parameters(1111, 2222);
  parameters["encodings"].push_back(
      {{"ssrc", 3333}, {"rtx", {{"ssrc", 4444}}}, {"scalabilityMode", "L1T2"}});
  parameters["encodings"].push_back({{"ssrc", 5555}, {"rid", "hi"}});  // no RTX for this one
  const auto p = parse_producer_parameters(MediaKind::video, parameters);
  ASSERT_EQ(p.encodings.size(), 3u);
  EXPECT_EQ(p.encodings[0].ssrc, 1111u);
  EXPECT_EQ(p.encodings[0].rtx_ssrc, 2222u);
  EXPECT_EQ(p.encodings[0].temporal_layers, 1);
  EXPECT_EQ(p.encodings[1].ssrc, 3333u);
  EXPECT_EQ(p.encodings[1].rtx_ssrc, 4444u);
  EXPECT_EQ(p.encodings[1].temporal_layers, 2);
  EXPECT_EQ(p.encodings[2].ssrc, 5555u);
  EXPECT_EQ(p.encodings[2].rtx_ssrc, 0u);
  EXPECT_EQ(p.encodings[2].rid, "hi");
  EXPECT_EQ(p.rtx_payload_type, 97);
}

TEST(ProducerParameters, RidSimulcastWithoutRepairedRidHasNoRtx) {
  json parameters = chrome_vp8_simulcast_parameters();
  parameters["headerExtensions"].erase(4);  // repaired-rid
  const auto p = parse_producer_parameters(MediaKind::video, parameters);
  EXPECT_EQ(p.repaired_rid_extension_id, 0);
  EXPECT_EQ(p.rtx_payload_type, 0);
  EXPECT_EQ(p.router_rtx_payload_type, 0);
}

TEST(ProducerParameters, ScalabilityModesL1T1ToL1T3SetTemporalLayers) {
  json parameters = chrome_vp8_simulcast_parameters();
  parameters["encodings"][0]["scalabilityMode"] = "L1T1";
  parameters["encodings"][1]["scalabilityMode"] = "L1T2";
  parameters["encodings"][2].erase("scalabilityMode");
  const auto p = parse_producer_parameters(MediaKind::video, parameters);
  EXPECT_EQ(p.encodings[0].temporal_layers, 1);
  EXPECT_EQ(p.encodings[1].temporal_layers, 2);
  EXPECT_EQ(p.encodings[2].temporal_layers, 1);
}

TEST(ProducerParameters, MalformedSimulcastIsBadRtpParameters) {
  const json simulcast = chrome_vp8_simulcast_parameters();
  const json vp8 = chrome_vp8_parameters();
  const json opus = chrome_opus_parameters();
  json four = simulcast;
  four["encodings"].push_back({{"rid", "r3"}});
  json duplicate_rid = simulcast;
  duplicate_rid["encodings"][2]["rid"] = "r0";
  json mixed_ssrc = simulcast;
  mixed_ssrc["encodings"][1]["ssrc"] = 1234;
  json mixed_rid = vp8;
  mixed_rid["encodings"].push_back({{"rid", "r1"}});
  json mixed_rtx = simulcast;
  mixed_rtx["encodings"][1]["rtx"] = {{"ssrc", 99}};
  json no_rid_ext = simulcast;
  no_rid_ext["headerExtensions"].erase(3);
  json audio_two = opus;
  audio_two["encodings"].push_back({{"ssrc", 4444}});
  json audio_rid = opus;
  audio_rid["encodings"] = json::array({{{"rid", "a"}}});
  json reused_ssrc = vp8;
  reused_ssrc["encodings"].push_back({{"ssrc", 3333}, {"rtx", {{"ssrc", 1111}}}});
  json ssrc_simulcast_no_rtx_codec = vp8;
  ssrc_simulcast_no_rtx_codec["codecs"].erase(1);
  ssrc_simulcast_no_rtx_codec["encodings"][0].erase("rtx");
  ssrc_simulcast_no_rtx_codec["encodings"].push_back({{"ssrc", 3333}, {"rtx", {{"ssrc", 4444}}}});

  const std::vector<BadCase> cases = {
      {"four_encodings", MediaKind::video, four, "1..3 encodings"},
      {"duplicate_rid", MediaKind::video, duplicate_rid, "encodings[2].rid is used twice"},
      {"rid_empty", MediaKind::video, with(simulcast, "/encodings/1/rid", ""), "rid must be"},
      {"rid_long", MediaKind::video, with(simulcast, "/encodings/1/rid", std::string(17, 'r')),
       "rid must be"},
      {"rid_bad_char", MediaKind::video, with(simulcast, "/encodings/1/rid", "r 1"), "rid must be"},
      {"rid_number", MediaKind::video, with(simulcast, "/encodings/1/rid", 1), "rid must be"},
      {"rid_missing", MediaKind::video, without(simulcast, "/encodings/2", "rid"),
       "encodings[2].rid is required"},
      {"mixed_ssrc_in_rid", MediaKind::video, mixed_ssrc, "all identified by rid or all by ssrc"},
      {"mixed_rtx_in_rid", MediaKind::video, mixed_rtx, "all identified by rid or all by ssrc"},
      {"mixed_rid_in_ssrc", MediaKind::video, mixed_rid, "encodings[1].ssrc is required"},
      {"no_rid_extension", MediaKind::video, no_rid_ext, "rtp-stream-id"},
      {"s_mode", MediaKind::video, with(simulcast, "/encodings/0/scalabilityMode", "S3T3"),
       "spatial layers"},
      {"l3_mode", MediaKind::video, with(simulcast, "/encodings/0/scalabilityMode", "L3T3_KEY"),
       "spatial layers"},
      {"l1t4", MediaKind::video, with(simulcast, "/encodings/0/scalabilityMode", "L1T4"),
       "L1T1, L1T2 or L1T3"},
      {"mode_number", MediaKind::video, with(simulcast, "/encodings/0/scalabilityMode", 3),
       "scalabilityMode must be a string"},
      {"encoding_not_object", MediaKind::video, with(simulcast, "/encodings/1", "r1"),
       "encodings[1] must be an object"},
      {"audio_two_encodings", MediaKind::audio, audio_two, "audio has no simulcast"},
      {"audio_rid", MediaKind::audio, audio_rid, "required for audio"},
      {"reused_ssrc", MediaKind::video, reused_ssrc, "reuses ssrc 1111"},
      {"rtx_stream_no_codec", MediaKind::video, ssrc_simulcast_no_rtx_codec, "RTX codec"},
  };
  for (const auto& c : cases) {
    const auto [code, message] = producer_refusal(c.kind, c.parameters);
    EXPECT_EQ(code, "bad_rtp_parameters") << c.label << ": " << message;
    EXPECT_THAT(message, HasSubstr(c.message_part)) << c.label << ": " << message;
  }
}

TEST(ConsumerParameters, ASimulcastProducersConsumerGetsOneEncodingAndNoLayerNames) {
  json caps = chrome_recv_capabilities();
  // A device that could take rid (it never gets it: the router forwards no layer names).
  caps["headerExtensions"].push_back({{"kind", "video"},
                                      {"uri", std::string(kRidUri)},
                                      {"preferredId", 2},
                                      {"direction", "sendrecv"}});
  const auto producer =
      parse_producer_parameters(MediaKind::video, chrome_vp8_simulcast_parameters());
  const auto c = consumer_parameters(producer, caps, 7001, 7002);
  EXPECT_EQ(c.rtp_parameters["encodings"],
            json::parse(R"([{"ssrc": 7001, "rtx": {"ssrc": 7002}}])"));
  for (const auto& e : c.rtp_parameters["headerExtensions"]) {
    EXPECT_NE(e["uri"], kRidUri);
    EXPECT_NE(e["uri"], kRepairedRidUri);
    EXPECT_NE(e["uri"], kMidUri);
  }
  EXPECT_EQ(c.rtx_payload_type, 102);
}

TEST(ProducerParameters, TooManyEntriesAreRefused) {
  json parameters = chrome_vp8_parameters();
  for (int i = 0; i < 40; ++i) {
    parameters["headerExtensions"].push_back(
        {{"uri", "urn:x:" + std::to_string(i)}, {"id", 20 + i}});
  }
  EXPECT_EQ(producer_refusal(MediaKind::video, parameters).first, "bad_rtp_parameters");
}

ProducerParameters chrome_vp8() {
  auto p = parse_producer_parameters(MediaKind::video, chrome_vp8_parameters());
  return p;
}
ProducerParameters chrome_opus() {
  return parse_producer_parameters(MediaKind::audio, chrome_opus_parameters());
}

TEST(ConsumerParameters, Vp8ForChromeUsesRouterPayloadTypesAndFreshSsrcs) {
  const auto c = consumer_parameters(chrome_vp8(), chrome_recv_capabilities(), 7001, 7002);
  EXPECT_EQ(c.payload_type, 101);
  EXPECT_EQ(c.rtx_payload_type, 102);
  EXPECT_EQ(c.rtp_parameters, json::parse(R"({
    "codecs": [
      {"mimeType": "video/VP8", "payloadType": 101, "clockRate": 90000, "parameters": {},
       "rtcpFeedback": [{"type": "nack", "parameter": ""}, {"type": "nack", "parameter": "pli"},
                        {"type": "ccm", "parameter": "fir"}, {"type": "goog-remb", "parameter": ""}]},
      {"mimeType": "video/rtx", "payloadType": 102, "clockRate": 90000, "parameters": {"apt": 101},
       "rtcpFeedback": []}
    ],
    "headerExtensions": [
      {"uri": "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", "id": 4,
       "encrypt": false, "parameters": {}},
      {"uri": "urn:3gpp:video-orientation", "id": 11, "encrypt": false, "parameters": {}}
    ],
    "encodings": [{"ssrc": 7001, "rtx": {"ssrc": 7002}}],
    "rtcp": {"cname": "k8Xh1WpT0vLm9QzB", "reducedSize": true, "mux": true}
  })"));
}

TEST(ConsumerParameters, OpusKeepsTheProducersCodecParameters) {
  const auto c = consumer_parameters(chrome_opus(), chrome_recv_capabilities(), 9001, 9002);
  EXPECT_EQ(c.payload_type, 100);
  EXPECT_EQ(c.rtx_payload_type, 0);
  EXPECT_EQ(c.rtp_parameters, json::parse(R"({
    "codecs": [
      {"mimeType": "audio/opus", "payloadType": 100, "clockRate": 48000, "channels": 2,
       "parameters": {"minptime": 10, "useinbandfec": 1}, "rtcpFeedback": []}
    ],
    "headerExtensions": [
      {"uri": "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", "id": 4,
       "encrypt": false, "parameters": {}},
      {"uri": "urn:ietf:params:rtp-hdrext:ssrc-audio-level", "id": 10, "encrypt": false,
       "parameters": {}}
    ],
    "encodings": [{"ssrc": 9001}],
    "rtcp": {"cname": "k8Xh1WpT0vLm9QzB", "reducedSize": true, "mux": true}
  })"));
}

TEST(ConsumerParameters, OnlyWhatTheConsumerSupports) {
  json caps = chrome_recv_capabilities();
  caps["codecs"].erase(2);  // no RTX
  caps["codecs"][1]["rtcpFeedback"] = json::array({{{"type", "nack"}, {"parameter", "pli"}}});
  caps["headerExtensions"] = json::array(
      {{{"kind", "video"}, {"uri", std::string(kVideoOrientationUri)}, {"preferredId", 11}},
       // the router's URI under another id is not the router's extension
       {{"kind", "video"}, {"uri", std::string(kAbsSendTimeUri)}, {"preferredId", 3}}});
  const auto c = consumer_parameters(chrome_vp8(), caps, 7001, 7002);
  EXPECT_EQ(c.rtx_payload_type, 0);
  EXPECT_EQ(c.rtp_parameters["codecs"].size(), 1u);
  EXPECT_EQ(c.rtp_parameters["codecs"][0]["rtcpFeedback"],
            json::parse(R"([{"type": "nack", "parameter": "pli"}])"));
  EXPECT_EQ(c.rtp_parameters["headerExtensions"],
            json::parse(R"([{"uri": "urn:3gpp:video-orientation", "id": 11, "encrypt": false,
                             "parameters": {}}])"));
  EXPECT_EQ(c.rtp_parameters["encodings"], json::parse(R"([{"ssrc": 7001}])"));
}

TEST(ConsumerParameters, RembNeedsAbsSendTime) {
  json caps = chrome_recv_capabilities();
  caps["headerExtensions"] = json::array();
  const auto c = consumer_parameters(chrome_vp8(), caps, 1, 2);
  for (const auto& fb : c.rtp_parameters["codecs"][0]["rtcpFeedback"]) {
    EXPECT_NE(fb["type"], "goog-remb");
  }
  EXPECT_EQ(c.rtp_parameters["codecs"][0]["rtcpFeedback"].size(), 3u);
  EXPECT_EQ(c.rtp_parameters["headerExtensions"], json::array());
}

TEST(ConsumerParameters, ACodecTheConsumerLacksIsUnsupported) {
  json caps = chrome_recv_capabilities();
  caps["codecs"].erase(1);  // VP8 gone (its RTX alone does not do)
  EXPECT_EQ(refusal([&] { consumer_parameters(chrome_vp8(), caps, 1, 2); }).first,
            "unsupported_codec");
  EXPECT_EQ(refusal([&] { consumer_parameters(chrome_opus(), caps, 1, 2); }).first, "ok");
  json mono = chrome_recv_capabilities();
  mono["codecs"][0].erase("channels");
  EXPECT_EQ(refusal([&] { consumer_parameters(chrome_opus(), mono, 1, 2); }).first,
            "unsupported_codec");
}

TEST(ConsumerParameters, MalformedCapabilitiesAreBadRtpParameters) {
  const json caps = chrome_recv_capabilities();
  const std::vector<std::pair<const char*, json>> cases = {
      {"not_object", json::array()},
      {"no_codecs", without(caps, "", "codecs")},
      {"codecs_not_array", with(caps, "/codecs", json::object())},
      {"codec_not_object", with(caps, "/codecs/0", "opus")},
      {"mime_number", with(caps, "/codecs/1/mimeType", 5)},
      {"clock_string", with(caps, "/codecs/1/clockRate", "90000")},
      {"feedback_not_array", with(caps, "/codecs/1/rtcpFeedback", "nack")},
      {"feedback_type_missing", with(caps, "/codecs/1/rtcpFeedback/0", json::object())},
      {"ext_not_array", with(caps, "/headerExtensions", 1)},
      {"ext_id_string", with(caps, "/headerExtensions/1/preferredId", "4")},
      {"ext_kind_bad", with(caps, "/headerExtensions/1/kind", "data")},
  };
  for (const auto& entry : cases) {
    const json& bad = entry.second;  // clang 14 cannot capture a structured binding
    EXPECT_EQ(refusal([&] { consumer_parameters(chrome_vp8(), bad, 1, 2); }).first,
              "bad_rtp_parameters")
        << entry.first;
  }
}

}  // namespace
}  // namespace confab::meeting::testing
