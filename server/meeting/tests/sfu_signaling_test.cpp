// The sfu_* handlers through a recording MediaRouter: the exact commands, the acks, who is
// told what, and ownership.
#include <gmock/gmock.h>

#include "meeting/tests/sfu_fixture.hpp"

namespace confab::meeting::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// a and b in room r (an SFU room from the start), x alone in room s.
class SfuSignalingTest : public SfuTest {
 protected:
  void SetUp() override {
    join_quietly("a", "r");
    join_quietly("b", "r");
    join_quietly("x", "s");
  }
  // a publishes its camera and mic, b can receive; then forgets what was sent and logged.
  void publish_a() {
    send_a = transport("a", "send");
    camera_a = produce("a", send_a, "camera", chrome_vp8_parameters());
    mic_a = produce("a", send_a, "mic", chrome_opus_parameters());
    recv_b = transport("b", "recv");
    outbox.clear();
    router.clear();
  }
  // b consumes `producer` and returns the ack's consumer.
  json consumer_b(const std::string& producer) {
    const auto ack = consume("b", recv_b, producer);
    EXPECT_EQ(error_code(ack), "ok") << ack.dump();
    return ack["consumer"];
  }

  std::string send_a, camera_a, mic_a, recv_b;
};

TEST_F(SfuSignalingTest, CapabilitiesAreTheRoutersFixedSet) {
  const auto ack = call("a", "sfu_capabilities", json::object());
  EXPECT_EQ(ack, json({{"ok", true}, {"rtp_capabilities", router_rtp_capabilities()}}));
  EXPECT_EQ(error_code(call("a", "sfu_capabilities", nullptr)), "ok");
  EXPECT_EQ(error_code(call("a", "sfu_capabilities", json::array())), "bad_request");
}

TEST_F(SfuSignalingTest, CreateTransportAnswersWhatMediasoupClientNeeds) {
  const auto ack = call("a", "sfu_create_transport", {{"direction", "send"}});
  ASSERT_EQ(error_code(ack), "ok") << ack.dump();
  const std::string id = ack["transport"]["id"];
  EXPECT_THAT(id, ::testing::MatchesRegex("[a-z0-9]{20}"));
  EXPECT_EQ(ack["transport"], json::parse(R"({
    "id": ")" + id + R"(",
    "iceParameters": {"usernameFragment": "ufrag1", "password": "password-0123456789abcdef-1",
                      "iceLite": true},
    "iceCandidates": [{"foundation": "udpcandidate", "priority": 1078862079, "ip": "203.0.113.7",
                       "address": "203.0.113.7", "protocol": "udp", "port": 40000,
                       "type": "host"}],
    "dtlsParameters": {"role": "auto", "fingerprints": [{"algorithm": "sha-256", "value": ")" +
                                          std::string(RecordingMediaRouter::kFingerprint) +
                                          R"("}]}
  })"));
  EXPECT_THAT(router.log, ElementsAre("create_transport r " + id));
  EXPECT_THAT(outbox.sent, IsEmpty());
}

TEST_F(SfuSignalingTest, TransportIdsAreDistinct) {
  const auto send = transport("a", "send");
  const auto recv = transport("a", "recv");
  const auto other = transport("b", "send");
  EXPECT_NE(send, recv);
  EXPECT_NE(send, other);
  EXPECT_NE(recv, other);
}

TEST_F(SfuSignalingTest, ASecondTransportOfADirectionReplacesTheFirst) {
  publish_a();
  const auto ack = call("a", "sfu_create_transport", {{"direction", "send"}});
  const std::string fresh = ack["transport"]["id"];
  EXPECT_THAT(router.log, ElementsAre("create_transport r " + fresh, "close_transport " + send_a));
  // Its producers went with it.
  EXPECT_THAT(outbox.recipients_of("sfu_producer_closed"), ElementsAre("b", "b"));
  EXPECT_EQ(
      error_code(call("a", "sfu_connect_transport",
                      {{"transport_id", send_a}, {"dtls_parameters", client_dtls_parameters()}})),
      "unknown_transport");
  // The source is free again on the new transport.
  produce("a", fresh, "camera", chrome_vp8_parameters());
  // The recv transport was not touched.
  EXPECT_EQ(error_code(consume("b", recv_b, router.producers.back().id)), "ok");
}

TEST_F(SfuSignalingTest, CreateTransportValidatesTheDirection) {
  for (const json& payload : {json::object(), json{{"direction", "both"}}, json{{"direction", 1}},
                              json(nullptr), json("send")}) {
    EXPECT_EQ(error_code(call("a", "sfu_create_transport", payload)), "bad_request") << payload;
  }
  EXPECT_THAT(router.log, IsEmpty());
}

TEST_F(SfuSignalingTest, TransportCreationIsRateLimited) {
  // The default: 8 at once, then one per 10 s.
  std::string last_send;
  for (int i = 0; i < 8; ++i) {
    const std::string id = transport("a", i % 2 == 0 ? "send" : "recv");
    if (i % 2 == 0) last_send = id;
  }
  router.clear();
  outbox.clear();
  const auto refused = call("a", "sfu_create_transport", {{"direction", "send"}});
  EXPECT_EQ(error_code(refused), "too_many_transports");
  EXPECT_EQ(refused["error"]["retry_after_ms"], 10'000);
  EXPECT_THAT(router.log, IsEmpty()) << "nothing created, nothing replaced";
  EXPECT_THAT(outbox.sent, IsEmpty());
  EXPECT_EQ(meeting().stats().errors_by_code.at("too_many_transports"), 1u);
  EXPECT_EQ(meeting().stats().limits_hit.at("sfu_transports"), 1u);
  // The live transport still works, and another member is unaffected.
  EXPECT_EQ(error_code(
                call("a", "sfu_connect_transport",
                     {{"transport_id", last_send}, {"dtls_parameters", client_dtls_parameters()}})),
            "ok");
  transport("b", "send");
  // Leaving and rejoining does not refill the allowance; time does.
  call("a", "leave_room", json::object());
  join_quietly("a", "r");
  EXPECT_EQ(error_code(call("a", "sfu_create_transport", {{"direction", "recv"}})),
            "too_many_transports");
  clock.now += 10'000;
  transport("a", "recv");
  EXPECT_EQ(error_code(call("a", "sfu_create_transport", {{"direction", "send"}})),
            "too_many_transports");
}

TEST_F(SfuSignalingTest, ConnectPassesTheClientsSha256Fingerprint) {
  const auto id = transport("a", "send");
  router.clear();
  const auto ack = call("a", "sfu_connect_transport",
                        {{"transport_id", id}, {"dtls_parameters", client_dtls_parameters()}});
  EXPECT_EQ(ack, json({{"ok", true}}));
  EXPECT_THAT(router.log,
              ElementsAre("connect_transport " + id + " sha-256 " + kClientFingerprintUpper));
  // Once only.
  EXPECT_EQ(error_code(call("a", "sfu_connect_transport",
                            {{"transport_id", id}, {"dtls_parameters", client_dtls_parameters()}})),
            "bad_request");
  EXPECT_EQ(router.log.size(), 1u);
}

TEST_F(SfuSignalingTest, ConnectPicksSha256AmongOtherFingerprints) {
  const auto id = transport("a", "recv");
  router.clear();
  json dtls = client_dtls_parameters();
  dtls.erase("role");
  dtls["fingerprints"].insert(dtls["fingerprints"].begin(),
                              json{{"algorithm", "sha-1"}, {"value", "00:11"}});
  ASSERT_EQ(error_code(call("a", "sfu_connect_transport",
                            {{"transport_id", id}, {"dtls_parameters", dtls}})),
            "ok");
  EXPECT_THAT(router.log,
              ElementsAre("connect_transport " + id + " sha-256 " + kClientFingerprintUpper));
}

TEST_F(SfuSignalingTest, BadDtlsParametersAreRefused) {
  const auto id = transport("a", "send");
  router.clear();
  const json good = client_dtls_parameters();
  auto with = [&](const std::string& pointer, json value) {
    json dtls = good;
    dtls[json::json_pointer(pointer)] = std::move(value);
    return dtls;
  };
  const std::vector<std::pair<json, std::string>> cases = {
      {with("/role", "server"), "bad_dtls_parameters"},
      {with("/role", 1), "bad_dtls_parameters"},
      {with("/fingerprints", json::array()), "bad_dtls_parameters"},
      {with("/fingerprints", "AB:CD"), "bad_dtls_parameters"},
      {with("/fingerprints/0/algorithm", "sha-512"), "bad_dtls_parameters"},
      {with("/fingerprints/0/value", "82:5A"), "bad_dtls_parameters"},
      {with("/fingerprints/0/value", std::string(95, 'Z')), "bad_dtls_parameters"},
      {with("/fingerprints/0/value", 5), "bad_dtls_parameters"},
      {with("/fingerprints/0", "sha-256"), "bad_dtls_parameters"},
      {json::object(), "bad_dtls_parameters"},
      {json("x"), "bad_request"},
  };
  for (const auto& [dtls, code] : cases) {
    EXPECT_EQ(error_code(call("a", "sfu_connect_transport",
                              {{"transport_id", id}, {"dtls_parameters", dtls}})),
              code)
        << dtls;
  }
  EXPECT_EQ(error_code(call("a", "sfu_connect_transport", {{"transport_id", id}})), "bad_request");
  EXPECT_THAT(router.log, IsEmpty());
  // Still connectable.
  EXPECT_EQ(error_code(call("a", "sfu_connect_transport",
                            {{"transport_id", id}, {"dtls_parameters", good}})),
            "ok");
}

TEST_F(SfuSignalingTest, RestartIceAnswersFreshParameters) {
  const auto id = transport("b", "recv");
  router.clear();
  const auto ack = call("b", "sfu_restart_ice", {{"transport_id", id}});
  EXPECT_EQ(ack, json::parse(R"({"ok": true, "ice_parameters": {"usernameFragment": "ufragR",
      "password": "password-restarted-0123456789", "iceLite": true}})"));
  EXPECT_THAT(router.log, ElementsAre("restart_ice " + id));
}

TEST_F(SfuSignalingTest, ProduceCreatesAMappedProducerAndTellsTheOthers) {
  const auto send = transport("a", "send");
  router.clear();
  const auto ack = call("a", "sfu_produce",
                        {{"transport_id", send},
                         {"kind", "video"},
                         {"source", "camera"},
                         {"rtp_parameters", chrome_vp8_parameters(1111, 2222)}});
  ASSERT_EQ(error_code(ack), "ok") << ack.dump();
  const std::string id = ack["producer_id"];
  EXPECT_EQ(ack, json({{"ok", true}, {"producer_id", id}}));
  ASSERT_THAT(router.log, ElementsAre("create_producer " + id));
  const ProducerSpec& spec = router.producers[0];
  EXPECT_EQ(spec.id, id);
  EXPECT_EQ(spec.transport_id, send);
  EXPECT_EQ(spec.kind, MediaKind::video);
  EXPECT_EQ(spec.encodings.at(0).ssrc, 1111u);
  EXPECT_EQ(spec.encodings.at(0).rtx_ssrc, 2222u);
  EXPECT_EQ(spec.payload_type, 96);
  EXPECT_EQ(spec.rtx_payload_type, 97);
  EXPECT_EQ(spec.router_payload_type, 101);
  EXPECT_EQ(spec.router_rtx_payload_type, 102);
  EXPECT_EQ(spec.clock_rate, 90000u);
  EXPECT_FALSE(spec.paused);
  ExtensionMap extensions;
  extensions.fill(kUnusedExtensionId);
  extensions[2] = 4;    // abs-send-time
  extensions[13] = 11;  // video-orientation
  EXPECT_EQ(spec.extensions, extensions);

  EXPECT_THAT(outbox.recipients_of("sfu_producer_added"), ElementsAre("b"));
  EXPECT_EQ(outbox.to("b")[0].data,
            json({{"producer_id", id}, {"user_id", "a"}, {"kind", "video"}, {"source", "camera"}}));
  EXPECT_THAT(events_to("x"), IsEmpty());
}

TEST_F(SfuSignalingTest, ProduceOpusPaused) {
  const auto send = transport("a", "send");
  router.clear();
  const auto ack = call("a", "sfu_produce",
                        {{"transport_id", send},
                         {"kind", "audio"},
                         {"source", "screen_audio"},
                         {"rtp_parameters", chrome_opus_parameters(77)},
                         {"paused", true}});
  ASSERT_EQ(error_code(ack), "ok") << ack.dump();
  ASSERT_EQ(router.producers.size(), 1u);
  const ProducerSpec& spec = router.producers[0];
  EXPECT_TRUE(spec.paused);
  EXPECT_EQ(spec.kind, MediaKind::audio);
  EXPECT_EQ(spec.encodings.at(0).ssrc, 77u);
  EXPECT_EQ(spec.encodings.at(0).rtx_ssrc, 0u);
  EXPECT_EQ(spec.payload_type, 111);
  EXPECT_EQ(spec.router_payload_type, 100);
  EXPECT_EQ(spec.router_rtx_payload_type, 0);
  EXPECT_EQ(spec.clock_rate, 48000u);
  EXPECT_EQ(spec.extensions[1], 10);
  EXPECT_EQ(spec.extensions[2], 4);
  EXPECT_EQ(spec.extensions[4], kUnusedExtensionId);  // the publisher's MID
}

TEST_F(SfuSignalingTest, ProduceRefusals) {
  const auto send = transport("a", "send");
  const auto recv = transport("a", "recv");
  const auto send_b = transport("b", "send");
  produce("a", send, "camera", chrome_vp8_parameters(10, 11));
  router.clear();
  outbox.clear();
  auto attempt = [&](const std::string& transport_id, const std::string& kind,
                     const std::string& source, const json& rtp, const char* label) {
    const auto ack = call("a", "sfu_produce",
                          {{"transport_id", transport_id},
                           {"kind", kind},
                           {"source", source},
                           {"rtp_parameters", rtp}});
    return std::pair(error_code(ack), std::string(label) + ": " + error_message(ack));
  };
  const json vp8 = chrome_vp8_parameters(20, 21);
  const json opus = chrome_opus_parameters(30);
  EXPECT_EQ(attempt(recv, "video", "screen", vp8, "recv").first, "unknown_transport");
  EXPECT_EQ(attempt(send_b, "video", "screen", vp8, "b's").first, "unknown_transport");
  EXPECT_EQ(attempt("nope", "video", "screen", vp8, "made up").first, "unknown_transport");
  EXPECT_EQ(attempt(send, "video", "camera", vp8, "taken").first, "source_taken");
  EXPECT_EQ(attempt(send, "audio", "camera", opus, "mismatch").first, "bad_request");
  EXPECT_EQ(attempt(send, "video", "mic", vp8, "mismatch").first, "bad_request");
  EXPECT_EQ(attempt(send, "video", "screen_audio", vp8, "mismatch").first, "bad_request");
  EXPECT_EQ(attempt(send, "data", "screen", vp8, "kind").first, "bad_request");
  EXPECT_EQ(attempt(send, "video", "webcam", vp8, "source").first, "bad_request");
  EXPECT_EQ(attempt(send, "video", "screen", json::array(), "rtp").first, "bad_request");
  json h264 = vp8;
  h264["codecs"][0]["mimeType"] = "video/H264";
  EXPECT_EQ(attempt(send, "video", "screen", h264, "h264").first, "unsupported_codec");
  json four_layers = vp8;
  for (std::uint32_t ssrc : {40, 41, 42}) four_layers["encodings"].push_back({{"ssrc", ssrc}});
  EXPECT_EQ(attempt(send, "video", "screen", four_layers, "4 layers").first, "bad_rtp_parameters");
  // The transport tells its streams apart by SSRC: none may repeat another producer's.
  EXPECT_EQ(attempt(send, "video", "screen", chrome_vp8_parameters(11, 50), "ssrc").first,
            "bad_rtp_parameters");
  json upper_layer_taken = vp8;
  upper_layer_taken["encodings"].push_back({{"ssrc", 60}, {"rtx", {{"ssrc", 10}}}});
  const auto taken = attempt(send, "video", "screen", upper_layer_taken, "layer 1 rtx");
  EXPECT_EQ(taken.first, "bad_rtp_parameters");
  EXPECT_THAT(taken.second, HasSubstr("ssrc 10 is already sent"));
  EXPECT_EQ(attempt(send, "audio", "mic", chrome_opus_parameters(10), "ssrc").first,
            "bad_rtp_parameters");
  EXPECT_EQ(error_code(call("a", "sfu_produce", {{"transport_id", send}, {"kind", "video"}})),
            "bad_request");
  EXPECT_THAT(router.log, IsEmpty());
  EXPECT_THAT(outbox.sent, IsEmpty());
  // b's SSRCs are b's business.
  EXPECT_EQ(error_code(call("b", "sfu_produce",
                            {{"transport_id", send_b},
                             {"kind", "video"},
                             {"source", "camera"},
                             {"rtp_parameters", chrome_vp8_parameters(10, 11)}})),
            "ok");
}

TEST_F(SfuSignalingTest, ConsumeCreatesAPausedConsumerWithFreshSsrcs) {
  publish_a();
  const auto ack = consume("b", recv_b, camera_a);
  ASSERT_EQ(error_code(ack), "ok") << ack.dump();
  const json& consumer = ack["consumer"];
  const std::string id = consumer["id"];
  EXPECT_EQ(consumer["producer_id"], camera_a);
  EXPECT_EQ(consumer["user_id"], "a");
  EXPECT_EQ(consumer["kind"], "video");
  EXPECT_EQ(consumer["source"], "camera");
  EXPECT_EQ(consumer["producer_paused"], false);
  const json& rtp = consumer["rtp_parameters"];
  EXPECT_EQ(rtp["codecs"][0]["payloadType"], 101);
  EXPECT_EQ(rtp["codecs"][1]["payloadType"], 102);
  EXPECT_EQ(rtp["rtcp"]["cname"], kChromeCname);
  const std::uint32_t ssrc = rtp["encodings"][0]["ssrc"];
  const std::uint32_t rtx_ssrc = rtp["encodings"][0]["rtx"]["ssrc"];
  EXPECT_NE(ssrc, 0u);
  EXPECT_NE(rtx_ssrc, 0u);
  EXPECT_NE(ssrc, rtx_ssrc);
  EXPECT_NE(ssrc, 1111u);  // not the publisher's

  ASSERT_THAT(router.log, ElementsAre("create_consumer " + id));
  const ConsumerSpec& spec = router.consumers[0];
  EXPECT_EQ(spec.id, id);
  EXPECT_EQ(spec.transport_id, recv_b);
  EXPECT_EQ(spec.producer_id, camera_a);
  EXPECT_EQ(spec.kind, MediaKind::video);
  EXPECT_EQ(spec.ssrc, ssrc);
  EXPECT_EQ(spec.rtx_ssrc, rtx_ssrc);
  EXPECT_EQ(spec.payload_type, 101);
  EXPECT_EQ(spec.rtx_payload_type, 102);
  EXPECT_TRUE(spec.paused);
  EXPECT_THAT(outbox.sent, IsEmpty());

  // The mic: no RTX.
  const json mic = consumer_b(mic_a);
  const ConsumerSpec& audio = router.consumers[1];
  EXPECT_EQ(audio.kind, MediaKind::audio);
  EXPECT_EQ(audio.payload_type, 100);
  EXPECT_EQ(audio.rtx_ssrc, 0u);
  EXPECT_EQ(audio.rtx_payload_type, 0);
  EXPECT_EQ(mic["rtp_parameters"]["encodings"], json::array({{{"ssrc", audio.ssrc}}}));
  EXPECT_NE(audio.ssrc, ssrc);
  EXPECT_NE(audio.ssrc, rtx_ssrc);
}

TEST_F(SfuSignalingTest, ConsumeRefusals) {
  publish_a();
  const auto recv_a = transport("a", "recv");
  const auto recv_x = transport("x", "recv");
  const auto send_x = transport("x", "send");
  const auto x_camera = produce("x", send_x, "camera", chrome_vp8_parameters());
  router.clear();
  outbox.clear();
  // Its own producer, another room's, a made-up one.
  EXPECT_EQ(error_code(consume("a", recv_a, camera_a)), "unknown_producer");
  EXPECT_EQ(error_code(consume("b", recv_b, x_camera)), "unknown_producer");
  EXPECT_EQ(error_code(consume("x", recv_x, camera_a)), "unknown_producer");
  EXPECT_EQ(error_code(consume("b", recv_b, "nope")), "unknown_producer");
  // Not the caller's recv transport.
  EXPECT_EQ(error_code(consume("b", recv_a, camera_a)), "unknown_transport");
  EXPECT_EQ(error_code(consume("a", send_a, x_camera)), "unknown_transport");
  // A device without VP8.
  json caps = chrome_recv_capabilities();
  caps["codecs"].erase(1);
  EXPECT_EQ(error_code(call(
                "b", "sfu_consume",
                {{"transport_id", recv_b}, {"producer_id", camera_a}, {"rtp_capabilities", caps}})),
            "unsupported_codec");
  EXPECT_EQ(error_code(call("b", "sfu_consume",
                            {{"transport_id", recv_b},
                             {"producer_id", camera_a},
                             {"rtp_capabilities", {{"codecs", "vp8"}}}})),
            "bad_rtp_parameters");
  EXPECT_EQ(
      error_code(call("b", "sfu_consume", {{"transport_id", recv_b}, {"producer_id", camera_a}})),
      "bad_request");
  EXPECT_THAT(router.log, IsEmpty());
  EXPECT_THAT(outbox.sent, IsEmpty());
}

TEST_F(SfuSignalingTest, ConsumingAgainReplacesTheConsumer) {
  publish_a();
  const std::string first = consumer_b(camera_a)["id"];
  router.clear();
  const std::string second = consumer_b(camera_a)["id"];
  EXPECT_NE(first, second);
  EXPECT_THAT(router.log, ElementsAre("close_consumer " + first, "create_consumer " + second));
  ASSERT_THAT(events_to("b"), ElementsAre("sfu_consumer_closed"));
  EXPECT_EQ(outbox.to("b")[0].data, json({{"consumer_id", first}}));
  EXPECT_EQ(error_code(call("b", "sfu_resume_consumer", {{"consumer_id", first}})),
            "unknown_consumer");
}

TEST_F(SfuSignalingTest, ConsumersAreBoundedByTheRoomsProducers) {
  publish_a();
  for (int round = 0; round < 5; ++round) {
    consumer_b(camera_a);
    consumer_b(mic_a);
  }
  // Own producers and other rooms' add nothing.
  const std::string camera_b =
      produce("b", transport("b", "send"), "camera", chrome_vp8_parameters());
  EXPECT_EQ(error_code(consume("b", recv_b, camera_b)), "unknown_producer");
  const std::string camera_x =
      produce("x", transport("x", "send"), "camera", chrome_vp8_parameters());
  EXPECT_EQ(error_code(consume("b", recv_b, camera_x)), "unknown_producer");
  std::size_t live = 0;
  for (const auto& line : router.log) {
    if (line.starts_with("create_consumer ")) ++live;
    if (line.starts_with("close_consumer ")) --live;
  }
  EXPECT_EQ(live, 2u) << "one consumer per producer of the others";
}

TEST_F(SfuSignalingTest, PauseResumeAndKeyframesOfOwnConsumers) {
  publish_a();
  const std::string video = consumer_b(camera_a)["id"];
  const std::string audio = consumer_b(mic_a)["id"];
  router.clear();
  EXPECT_EQ(call("b", "sfu_resume_consumer", {{"consumer_id", video}}), json({{"ok", true}}));
  EXPECT_EQ(error_code(call("b", "sfu_resume_consumer", {{"consumer_id", video}})), "ok");
  EXPECT_EQ(error_code(call("b", "sfu_pause_consumer", {{"consumer_id", video}})), "ok");
  EXPECT_EQ(error_code(call("b", "sfu_request_keyframe", {{"consumer_id", video}})), "ok");
  EXPECT_EQ(error_code(call("b", "sfu_request_keyframe", {{"consumer_id", audio}})), "ok");
  // Only changes reach the router; audio has no keyframes.
  EXPECT_THAT(router.log, ElementsAre("resume_consumer " + video, "pause_consumer " + video,
                                      "request_keyframe " + video));
  router.clear();
  for (const char* event : {"sfu_resume_consumer", "sfu_pause_consumer", "sfu_request_keyframe"}) {
    EXPECT_EQ(error_code(call("a", event, {{"consumer_id", video}})), "unknown_consumer") << event;
    EXPECT_EQ(error_code(call("b", event, {{"consumer_id", "nope"}})), "unknown_consumer");
    EXPECT_EQ(error_code(call("b", event, {{"consumer_id", 5}})), "bad_request");
  }
  EXPECT_THAT(router.log, IsEmpty());
  EXPECT_THAT(outbox.sent, IsEmpty());
}

TEST_F(SfuSignalingTest, PauseAndResumeOwnProducers) {
  publish_a();
  const std::string consumer = consumer_b(camera_a)["id"];
  router.clear();
  EXPECT_EQ(call("a", "sfu_pause_producer", {{"producer_id", camera_a}}), json({{"ok", true}}));
  EXPECT_EQ(error_code(call("a", "sfu_pause_producer", {{"producer_id", camera_a}})), "ok");
  EXPECT_EQ(consume("b", recv_b, camera_a)["consumer"]["producer_paused"], true);
  EXPECT_EQ(error_code(call("a", "sfu_resume_producer", {{"producer_id", camera_a}})), "ok");
  EXPECT_THAT(router.log, ElementsAre("pause_producer " + camera_a, "close_consumer " + consumer,
                                      "create_consumer " + router.consumers[0].id,
                                      "resume_producer " + camera_a));
  EXPECT_THAT(outbox.recipients_of("sfu_producer_paused"), ElementsAre("b"));
  EXPECT_THAT(outbox.recipients_of("sfu_producer_resumed"), ElementsAre("b"));
  EXPECT_EQ(outbox.to("b")[0].data, json({{"producer_id", camera_a}, {"user_id", "a"}}));
  router.clear();
  outbox.clear();
  EXPECT_EQ(error_code(call("b", "sfu_pause_producer", {{"producer_id", camera_a}})),
            "unknown_producer");
  EXPECT_EQ(error_code(call("b", "sfu_close_producer", {{"producer_id", camera_a}})),
            "unknown_producer");
  EXPECT_EQ(error_code(call("x", "sfu_resume_producer", {{"producer_id", camera_a}})),
            "unknown_producer");
  EXPECT_THAT(router.log, IsEmpty());
  EXPECT_THAT(outbox.sent, IsEmpty());
}

TEST_F(SfuSignalingTest, ClosingAProducerTellsTheOthersAndForgetsItsConsumers) {
  publish_a();
  const std::string consumer = consumer_b(camera_a)["id"];
  router.clear();
  EXPECT_EQ(call("a", "sfu_close_producer", {{"producer_id", camera_a}}), json({{"ok", true}}));
  EXPECT_THAT(router.log, ElementsAre("close_producer " + camera_a));
  EXPECT_THAT(outbox.recipients_of("sfu_producer_closed"), ElementsAre("b"));
  EXPECT_EQ(outbox.to("b")[0].data, json({{"producer_id", camera_a}, {"user_id", "a"}}));
  EXPECT_EQ(error_code(call("b", "sfu_resume_consumer", {{"consumer_id", consumer}})),
            "unknown_consumer");
  EXPECT_EQ(error_code(call("a", "sfu_close_producer", {{"producer_id", camera_a}})),
            "unknown_producer");
  // The camera slot is free again.
  produce("a", send_a, "camera", chrome_vp8_parameters(123, 124));
}

TEST_F(SfuSignalingTest, OwnershipIsCheckedOnEveryTransportId) {
  const auto send_a = transport("a", "send");
  router.clear();
  const json dtls = client_dtls_parameters();
  EXPECT_EQ(error_code(call("b", "sfu_connect_transport",
                            {{"transport_id", send_a}, {"dtls_parameters", dtls}})),
            "unknown_transport");
  EXPECT_EQ(error_code(call("x", "sfu_restart_ice", {{"transport_id", send_a}})),
            "unknown_transport");
  EXPECT_EQ(error_code(call("b", "sfu_restart_ice", {{"transport_id", 7}})), "bad_request");
  EXPECT_THAT(router.log, IsEmpty());
}

TEST_F(SfuSignalingTest, ALeaversTransportsAreClosedAndItsProducersAnnounced) {
  publish_a();
  const auto recv_a = transport("a", "recv");
  const std::string consumer = consumer_b(camera_a)["id"];
  router.clear();
  outbox.clear();
  ASSERT_EQ(error_code(call("a", "leave_room", json::object())), "ok");
  EXPECT_THAT(router.log, ElementsAre("close_transport " + send_a, "close_transport " + recv_a));
  EXPECT_THAT(events_to("b"), ElementsAre("sfu_producer_closed", "sfu_producer_closed", "user_left",
                                          "role_changed"));
  EXPECT_THAT((std::vector<json>{outbox.to("b")[0].data, outbox.to("b")[1].data}),
              UnorderedElementsAre(json({{"producer_id", camera_a}, {"user_id", "a"}}),
                                   json({{"producer_id", mic_a}, {"user_id", "a"}})));
  EXPECT_EQ(error_code(call("b", "sfu_pause_consumer", {{"consumer_id", consumer}})),
            "unknown_consumer");
  EXPECT_EQ(join("c", "r")["producers"], json::array());
}

TEST_F(SfuSignalingTest, ADisconnectClosesTheSame) {
  publish_a();
  meeting().disconnect("a");
  EXPECT_THAT(router.log, ElementsAre("close_transport " + send_a));
  EXPECT_THAT(outbox.recipients_of("sfu_producer_closed"), ElementsAre("b", "b"));
}

TEST_F(SfuSignalingTest, AKickedMembersTransportsAreClosed) {
  publish_a();
  // a, the host, kicks b, who publishes and consumes.
  const auto send_b = transport("b", "send");
  const auto camera_b = produce("b", send_b, "camera", chrome_vp8_parameters());
  const auto recv_a = transport("a", "recv");
  consume("a", recv_a, camera_b);
  router.clear();
  outbox.clear();
  ASSERT_EQ(error_code(call("a", "kick", {{"user_id", "b"}})), "ok");
  EXPECT_THAT(router.log, ElementsAre("close_transport " + send_b, "close_transport " + recv_b));
  EXPECT_THAT(events_to("a"), ElementsAre("sfu_producer_closed", "user_left"));
  EXPECT_EQ(outbox.to("a")[0].data, json({{"producer_id", camera_b}, {"user_id", "b"}}));
}

TEST_F(SfuSignalingTest, MovingToAnotherRoomLeavesTheOldRoomsMedia) {
  publish_a();
  join_quietly("a", "s");
  EXPECT_THAT(router.log, ElementsAre("close_transport " + send_a));
  // x's producers are now a's to consume, r's are not.
  const auto send_x = transport("x", "send");
  const auto camera_x = produce("x", send_x, "camera", chrome_vp8_parameters());
  const auto recv_a = transport("a", "recv");
  EXPECT_EQ(error_code(consume("a", recv_a, camera_x)), "ok");
  EXPECT_EQ(error_code(consume("b", recv_b, camera_a)), "unknown_producer");
}

TEST_F(SfuSignalingTest, EndingTheMeetingClosesEveryTransportAndFreesTheRoom) {
  publish_a();
  ASSERT_EQ(error_code(call("a", "end_meeting", nullptr)), "ok");
  EXPECT_THAT(router.log,
              UnorderedElementsAre("close_transport " + send_a, "close_transport " + recv_b));
  EXPECT_THAT(outbox.recipients_of("sfu_producer_closed"), IsEmpty());
  outbox.clear();
  // The data plane's late report about a transport of the gone room changes nothing.
  meeting().media_events().transport_closed(send_a, "dtls_failed");
  EXPECT_THAT(outbox.sent, IsEmpty());
  // The room starts over with nothing.
  join_quietly("a", "r");
  EXPECT_EQ(join("b", "r")["producers"], json::array());
}

TEST_F(SfuSignalingTest, TheLastMemberLeavingFreesTheRoom) {
  publish_a();
  call("b", "leave_room", json::object());
  call("a", "leave_room", json::object());
  EXPECT_THAT(router.log, ElementsAre("close_transport " + recv_b, "close_transport " + send_a));
  join_quietly("a", "r");
  EXPECT_EQ(join("b", "r")["producers"], json::array());
}

TEST_F(SfuSignalingTest, ATransportClosedByTheDataPlaneIsForgottenAndItsOwnerTold) {
  publish_a();
  const std::string consumer = consumer_b(camera_a)["id"];
  router.clear();
  meeting().media_events().transport_closed(send_a, "consent_timeout");
  EXPECT_THAT(router.log, IsEmpty());  // the data plane closed it already
  ASSERT_THAT(events_to("a"), ElementsAre("sfu_transport_closed"));
  EXPECT_EQ(outbox.to("a")[0].data,
            json({{"transport_id", send_a}, {"reason", "consent_timeout"}}));
  EXPECT_THAT(events_to("b"), ElementsAre("sfu_producer_closed", "sfu_producer_closed"));
  EXPECT_EQ(error_code(call("b", "sfu_resume_consumer", {{"consumer_id", consumer}})),
            "unknown_consumer");
  EXPECT_EQ(error_code(call("a", "sfu_restart_ice", {{"transport_id", send_a}})),
            "unknown_transport");
  // a starts over: a new send transport, the same sources.
  outbox.clear();
  const auto fresh = transport("a", "send");
  produce("a", fresh, "camera", chrome_vp8_parameters());
  EXPECT_THAT(outbox.recipients_of("sfu_producer_added"), ElementsAre("b"));
  // Reported twice, or for an id nobody has: nothing happens.
  outbox.clear();
  meeting().media_events().transport_closed(send_a, "consent_timeout");
  meeting().media_events().transport_closed("nope", "dtls_failed");
  EXPECT_THAT(outbox.sent, IsEmpty());
}

TEST_F(SfuSignalingTest, ARecvTransportClosedByTheDataPlaneDropsItsConsumers) {
  publish_a();
  const std::string consumer = consumer_b(camera_a)["id"];
  outbox.clear();
  meeting().media_events().transport_closed(recv_b, "dtls_failed");
  EXPECT_THAT(events_to("b"), ElementsAre("sfu_transport_closed"));
  EXPECT_THAT(events_to("a"), IsEmpty());
  EXPECT_EQ(error_code(call("b", "sfu_resume_consumer", {{"consumer_id", consumer}})),
            "unknown_consumer");
  const auto fresh = transport("b", "recv");
  EXPECT_EQ(error_code(consume("b", fresh, camera_a)), "ok");
}

TEST_F(SfuSignalingTest, MalformedPayloadsNameTheFieldAndChangeNothing) {
  publish_a();
  const std::vector<std::tuple<const char*, json, const char*>> cases = {
      {"sfu_create_transport", json::array(), "payload"},
      {"sfu_connect_transport", {{"transport_id", 1}}, "'transport_id'"},
      {"sfu_connect_transport", {{"transport_id", send_a}}, "'dtls_parameters'"},
      {"sfu_restart_ice", json::object(), "'transport_id'"},
      {"sfu_produce", {{"transport_id", send_a}}, "'kind'"},
      {"sfu_produce", {{"transport_id", send_a}, {"kind", "video"}}, "'source'"},
      {"sfu_produce",
       {{"transport_id", send_a}, {"kind", "video"}, {"source", "screen"}},
       "'rtp_parameters'"},
      {"sfu_produce",
       {{"transport_id", send_a},
        {"kind", "video"},
        {"source", "screen"},
        {"rtp_parameters", chrome_vp8_parameters(5, 6)},
        {"paused", "no"}},
       "'paused'"},
      {"sfu_close_producer", {{"producer_id", nullptr}}, "'producer_id'"},
      {"sfu_pause_producer", "x", "payload"},
      {"sfu_resume_producer", json::object(), "'producer_id'"},
      {"sfu_consume", {{"transport_id", recv_b}, {"producer_id", camera_a}}, "'rtp_capabilities'"},
      {"sfu_consume", {{"producer_id", camera_a}}, "'transport_id'"},
      {"sfu_pause_consumer", json::object(), "'consumer_id'"},
      {"sfu_resume_consumer", {{"consumer_id", json::array()}}, "'consumer_id'"},
      {"sfu_request_keyframe", nullptr, "payload"},
      {"sfu_pin", {{"user_ids", {{"b", true}}}}, "'user_ids'"},
  };
  for (const auto& [event, payload, field] : cases) {
    const ParticipantId who = std::string(event).find("consum") != std::string::npos ? "b" : "a";
    const auto ack = call(who, event, payload);
    EXPECT_EQ(error_code(ack), "bad_request") << event << " " << payload;
    EXPECT_THAT(error_message(ack), HasSubstr(field)) << event;
  }
  EXPECT_THAT(router.log, IsEmpty());
  EXPECT_THAT(outbox.sent, IsEmpty());
}

TEST_F(SfuSignalingTest, ErrorCodesAreCounted) {
  call("a", "sfu_restart_ice", {{"transport_id", "nope"}});
  call("a", "sfu_close_producer", {{"producer_id", "nope"}});
  call("a", "sfu_pause_consumer", {{"consumer_id", "nope"}});
  const auto stats = meeting().stats();
  EXPECT_EQ(stats.errors_by_code.at("unknown_transport"), 1u);
  EXPECT_EQ(stats.errors_by_code.at("unknown_producer"), 1u);
  EXPECT_EQ(stats.errors_by_code.at("unknown_consumer"), 1u);
  EXPECT_THAT(error_message(call("a", "sfu_pause_consumer", {{"consumer_id", "nope"}})),
              HasSubstr("consumer_id"));
}

}  // namespace
}  // namespace confab::meeting::testing
