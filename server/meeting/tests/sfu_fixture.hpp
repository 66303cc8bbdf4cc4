#pragma once
// A recording MediaRouter, realistic mediasoup-client payloads (Chrome's payload types and
// header-extension ids), and a fixture for SFU rooms.
#include <string>
#include <vector>

#include "meeting/media_router.hpp"
#include "meeting/rtp_parameters.hpp"
#include "meeting/tests/meeting_fixture.hpp"

namespace confab::meeting::testing {

// Every command as one line ("close_transport t1"), plus the specs as given.
class RecordingMediaRouter final : public MediaRouter {
 public:
  static constexpr const char* kFingerprint =
      "A9:F4:E0:D2:74:D3:0F:D9:CA:A5:2F:9F:7F:47:FA:F0:C4:72:DD:73:49:D0:3B:14:90:20:51:30:1B:90:"
      "8E:71";

  TransportInfo create_transport(std::string_view room, const std::string& id) override {
    log.push_back("create_transport " + std::string(room) + " " + id);
    const std::string n = std::to_string(++transports_made);
    return TransportInfo{.ice = {"ufrag" + n, "password-0123456789abcdef-" + n},
                         .candidates = {{"udpcandidate", 1078862079, "203.0.113.7", 40000}},
                         .fingerprint_sha256 = kFingerprint};
  }
  void connect_transport(const std::string& id, std::string_view algorithm,
                         std::string_view fingerprint) override {
    log.push_back("connect_transport " + id + " " + std::string(algorithm) + " " +
                  std::string(fingerprint));
  }
  IceParameters restart_ice(const std::string& id) override {
    log.push_back("restart_ice " + id);
    return {"ufragR", "password-restarted-0123456789"};
  }
  void close_transport(const std::string& id) override { log.push_back("close_transport " + id); }
  void create_producer(const ProducerSpec& spec) override {
    log.push_back("create_producer " + spec.id);
    producers.push_back(spec);
  }
  void close_producer(const std::string& id) override { log.push_back("close_producer " + id); }
  void set_producer_paused(const std::string& id, bool paused) override {
    log.push_back(std::string(paused ? "pause_producer " : "resume_producer ") + id);
  }
  void create_consumer(const ConsumerSpec& spec) override {
    log.push_back("create_consumer " + spec.id);
    consumers.push_back(spec);
  }
  void close_consumer(const std::string& id) override { log.push_back("close_consumer " + id); }
  void set_consumer_paused(const std::string& id, bool paused) override {
    log.push_back(std::string(paused ? "pause_consumer " : "resume_consumer ") + id);
  }
  void set_consumer_preferred_layers(const std::string& id, std::uint8_t spatial,
                                     std::uint8_t temporal) override {
    log.push_back("preferred_layers " + id + " " + std::to_string(spatial) + " " +
                  std::to_string(temporal));
  }
  void request_keyframe(const std::string& consumer_id) override {
    log.push_back("request_keyframe " + consumer_id);
  }

  void clear() {
    log.clear();
    producers.clear();
    consumers.clear();
  }

  std::vector<std::string> log;
  std::vector<ProducerSpec> producers;
  std::vector<ConsumerSpec> consumers;
  int transports_made = 0;
};

inline const std::string kChromeCname = "k8Xh1WpT0vLm9QzB";

// What mediasoup-client's transport.produce() sends for Chrome's camera against our router:
// Chrome's own payload types (VP8 96, RTX 97) and extension ids (mid 4, abs-send-time 2,
// video-orientation 13).
inline json chrome_vp8_parameters(std::uint32_t ssrc = 1111, std::uint32_t rtx_ssrc = 2222) {
  return json::parse(R"({
    "mid": "0",
    "codecs": [
      {"mimeType": "video/VP8", "payloadType": 96, "clockRate": 90000, "parameters": {},
       "rtcpFeedback": [{"type": "goog-remb", "parameter": ""}, {"type": "ccm", "parameter": "fir"},
                        {"type": "nack", "parameter": ""}, {"type": "nack", "parameter": "pli"}]},
      {"mimeType": "video/rtx", "payloadType": 97, "clockRate": 90000, "parameters": {"apt": 96},
       "rtcpFeedback": []}
    ],
    "headerExtensions": [
      {"uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "id": 4, "encrypt": false, "parameters": {}},
      {"uri": "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", "id": 2,
       "encrypt": false, "parameters": {}},
      {"uri": "urn:3gpp:video-orientation", "id": 13, "encrypt": false, "parameters": {}}
    ],
    "encodings": [{"ssrc": 1111, "rtx": {"ssrc": 2222}, "dtx": false}],
    "rtcp": {"cname": "k8Xh1WpT0vLm9QzB", "reducedSize": true}
  })")
      .patch(json::array(
          {{{"op", "replace"}, {"path", "/encodings/0/ssrc"}, {"value", ssrc}},
           {{"op", "replace"}, {"path", "/encodings/0/rtx/ssrc"}, {"value", rtx_ssrc}}}));
}

// What mediasoup-client (Chrome111 handler) sends for transport.produce({encodings: [3]}): the
// encodings as given plus rid r0..r2 and one scalabilityMode, no SSRCs (Chrome picks them and
// names each stream with the rtp-stream-id extension, 10; its RTX with repaired-rid, 11).
inline json chrome_vp8_simulcast_parameters() {
  json parameters = chrome_vp8_parameters();
  parameters["headerExtensions"].push_back(
      {{"uri", "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id"},
       {"id", 10},
       {"encrypt", false},
       {"parameters", json::object()}});
  parameters["headerExtensions"].push_back(
      {{"uri", "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id"},
       {"id", 11},
       {"encrypt", false},
       {"parameters", json::object()}});
  parameters["encodings"] = json::parse(R"([
    {"rid": "r0", "active": true, "scaleResolutionDownBy": 4, "maxBitrate": 150000,
     "scalabilityMode": "L1T3"},
    {"rid": "r1", "active": true, "scaleResolutionDownBy": 2, "maxBitrate": 500000,
     "scalabilityMode": "L1T3"},
    {"rid": "r2", "active": true, "scaleResolutionDownBy": 1, "maxBitrate": 1500000,
     "scalabilityMode": "L1T3"}
  ])");
  // No a=ssrc lines in Chrome's offer, so no cname either.
  parameters["rtcp"]["cname"] = "";
  return parameters;
}

// Chrome's microphone: Opus pt 111, audio-level 1, abs-send-time 2, mid 4.
inline json chrome_opus_parameters(std::uint32_t ssrc = 3333) {
  json parameters = json::parse(R"({
    "mid": "1",
    "codecs": [
      {"mimeType": "audio/opus", "payloadType": 111, "clockRate": 48000, "channels": 2,
       "parameters": {"minptime": 10, "useinbandfec": 1}, "rtcpFeedback": []}
    ],
    "headerExtensions": [
      {"uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "id": 4, "encrypt": false, "parameters": {}},
      {"uri": "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", "id": 2,
       "encrypt": false, "parameters": {}},
      {"uri": "urn:ietf:params:rtp-hdrext:ssrc-audio-level", "id": 1, "encrypt": false,
       "parameters": {}}
    ],
    "encodings": [{"ssrc": 3333, "dtx": false}],
    "rtcp": {"cname": "k8Xh1WpT0vLm9QzB", "reducedSize": true}
  })");
  parameters["encodings"][0]["ssrc"] = ssrc;
  return parameters;
}

// mediasoup-client's device.rtpCapabilities in Chrome after Device.load() with our router's
// (receive side: router payload types and ids; MID is not among them, the router sends none).
inline json chrome_recv_capabilities() {
  return json::parse(R"({
    "codecs": [
      {"mimeType": "audio/opus", "kind": "audio", "preferredPayloadType": 100, "clockRate": 48000,
       "channels": 2, "parameters": {"minptime": 10, "useinbandfec": 1}, "rtcpFeedback": []},
      {"mimeType": "video/VP8", "kind": "video", "preferredPayloadType": 101, "clockRate": 90000,
       "parameters": {},
       "rtcpFeedback": [{"type": "goog-remb", "parameter": ""}, {"type": "ccm", "parameter": "fir"},
                        {"type": "nack", "parameter": ""}, {"type": "nack", "parameter": "pli"}]},
      {"mimeType": "video/rtx", "kind": "video", "preferredPayloadType": 102, "clockRate": 90000,
       "parameters": {"apt": 101}, "rtcpFeedback": []}
    ],
    "headerExtensions": [
      {"kind": "audio", "uri": "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
       "preferredId": 4, "preferredEncrypt": false, "direction": "sendrecv"},
      {"kind": "video", "uri": "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
       "preferredId": 4, "preferredEncrypt": false, "direction": "sendrecv"},
      {"kind": "audio", "uri": "urn:ietf:params:rtp-hdrext:ssrc-audio-level", "preferredId": 10,
       "preferredEncrypt": false, "direction": "sendrecv"},
      {"kind": "video", "uri": "urn:3gpp:video-orientation", "preferredId": 11,
       "preferredEncrypt": false, "direction": "sendrecv"}
    ]
  })");
}

inline json client_dtls_parameters() {
  return json::parse(R"({"role": "client", "fingerprints": [
      {"algorithm": "sha-256",
       "value": "82:5a:68:3d:36:c3:0a:de:af:e7:32:43:d2:88:83:57:ac:2d:65:e5:80:c4:b6:fb:af:1a:a0:21:9f:6d:0c:ad"}]})");
}

inline constexpr const char* kClientFingerprintUpper =
    "82:5A:68:3D:36:C3:0A:DE:AF:E7:32:43:D2:88:83:57:AC:2D:65:E5:80:C4:B6:FB:AF:1A:A0:21:9F:6D:0C:"
    "AD";

// A Meeting with the recording router; mesh_max 0 unless a test changes it, so every room is an
// SFU room from its first member.
class SfuTest : public MeetingTest {
 protected:
  SfuTest() {
    config.media_router = &router;
    config.mesh_max = 0;
  }

  // Creates a transport and returns its id.
  std::string transport(const ParticipantId& who, const std::string& direction) {
    const auto ack = call(who, "sfu_create_transport", {{"direction", direction}});
    EXPECT_EQ(error_code(ack), "ok") << ack.dump();
    return ack.value("/transport/id"_json_pointer, std::string());
  }
  std::string produce(const ParticipantId& who, const std::string& transport_id,
                      const std::string& source, const json& rtp_parameters) {
    const std::string kind = source == "mic" || source == "screen_audio" ? "audio" : "video";
    const auto ack = call(who, "sfu_produce",
                          {{"transport_id", transport_id},
                           {"kind", kind},
                           {"source", source},
                           {"rtp_parameters", rtp_parameters}});
    EXPECT_EQ(error_code(ack), "ok") << ack.dump();
    return ack.value("producer_id", std::string());
  }
  json consume(const ParticipantId& who, const std::string& transport_id,
               const std::string& producer_id) {
    return call(who, "sfu_consume",
                {{"transport_id", transport_id},
                 {"producer_id", producer_id},
                 {"rtp_capabilities", chrome_recv_capabilities()}});
  }

  RecordingMediaRouter router;
};

}  // namespace confab::meeting::testing
