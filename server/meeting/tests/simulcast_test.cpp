// Simulcast on the meeting side: producers with layers reach the router as such, consumers
// prefer a layer from the size of their tile (sfu_consumer_layers), and publishers are told
// which layers anybody still receives (sfu_producer_layers).
#include <gmock/gmock.h>

#include "meeting/sfu_signaling.hpp"
#include "meeting/tests/sfu_fixture.hpp"

namespace confab::meeting::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// a publishes a 3-layer camera (and a mic) in room r; b and c can receive.
class SimulcastTest : public SfuTest {
 protected:
  void SetUp() override {
    join_quietly("a", "r");
    join_quietly("b", "r");
    join_quietly("c", "r");
    send_a = transport("a", "send");
    camera_a = produce("a", send_a, "camera", chrome_vp8_simulcast_parameters());
    mic_a = produce("a", send_a, "mic", chrome_opus_parameters());
    recv_b = transport("b", "recv");
    recv_c = transport("c", "recv");
    outbox.clear();
    router.clear();
  }
  // `who` consumes `producer` and resumes it; returns the consumer id.
  std::string watch(const ParticipantId& who, const std::string& producer) {
    const auto ack = consume(who, who == "b" ? recv_b : recv_c, producer);
    EXPECT_EQ(error_code(ack), "ok") << ack.dump();
    const std::string id = ack.value("/consumer/id"_json_pointer, std::string());
    EXPECT_EQ(error_code(call(who, "sfu_resume_consumer", {{"consumer_id", id}})), "ok");
    return id;
  }
  json layers(const ParticipantId& who, const std::string& consumer, json width, json height) {
    return call(who, "sfu_consumer_layers",
                {{"consumer_id", consumer}, {"width", width}, {"height", height}});
  }
  // The max_spatial_layer values a was sent for its camera, in order; forgets them.
  std::vector<int> producer_layers_to_a() {
    std::vector<int> result;
    for (const auto& message : outbox.sent) {
      if (message.event != "sfu_producer_layers") continue;
      EXPECT_EQ(message.to, "a");  // only the publisher is told
      EXPECT_EQ(message.data["producer_id"], camera_a);
      result.push_back(message.data["max_spatial_layer"]);
    }
    outbox.clear();
    return result;
  }

  std::string send_a, camera_a, mic_a, recv_b, recv_c;
};

TEST_F(SimulcastTest, TheRouterGetsEveryLayerAndThePublishersExtensionIds) {
  ASSERT_EQ(router.producers.size(), 0u);  // cleared in SetUp: produce again on the screen
  const std::string screen = produce("a", send_a, "screen", chrome_vp8_simulcast_parameters());
  ASSERT_EQ(router.producers.size(), 1u);  // rid-only layers of two producers do not collide
  const ProducerSpec& spec = router.producers[0];
  EXPECT_EQ(spec.id, screen);
  ASSERT_EQ(spec.encodings.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(spec.encodings[i].rid, "r" + std::to_string(i));
    EXPECT_EQ(spec.encodings[i].ssrc, 0u);
    EXPECT_EQ(spec.encodings[i].temporal_layers, 3);
  }
  EXPECT_EQ(spec.mid, "0");
  EXPECT_EQ(spec.mid_extension_id, 4);
  EXPECT_EQ(spec.rid_extension_id, 10);
  EXPECT_EQ(spec.repaired_rid_extension_id, 11);
  EXPECT_EQ(spec.rtx_payload_type, 97);
}

TEST_F(SimulcastTest, ASimulcastProducerWithoutCnameTakesItsOwnersOther) {
  // Chrome sends no cname for rid simulcast; the camera joins the mic's (lip sync).
  const auto send_b = transport("b", "send");
  produce("b", send_b, "mic", chrome_opus_parameters(70));
  const auto camera_b = produce("b", send_b, "camera", chrome_vp8_simulcast_parameters());
  const auto ack = consume("c", recv_c, camera_b);
  ASSERT_EQ(error_code(ack), "ok") << ack.dump();
  EXPECT_EQ(ack["consumer"]["rtp_parameters"]["rtcp"]["cname"], kChromeCname);
  // a's camera came first, with nothing to join: a's id.
  EXPECT_EQ(consume("b", recv_b, camera_a)["consumer"]["rtp_parameters"]["rtcp"]["cname"], "a");
}

TEST_F(SimulcastTest, AConsumerOfASimulcastProducerGetsOneEncoding) {
  const auto ack = consume("b", recv_b, camera_a);
  ASSERT_EQ(error_code(ack), "ok") << ack.dump();
  const json& encodings = ack["consumer"]["rtp_parameters"]["encodings"];
  ASSERT_EQ(encodings.size(), 1u);
  ASSERT_EQ(router.consumers.size(), 1u);
  EXPECT_EQ(encodings[0]["ssrc"], router.consumers[0].ssrc);
  EXPECT_EQ(encodings[0]["rtx"]["ssrc"], router.consumers[0].rtx_ssrc);
}

TEST(SpatialLayerRule, TileRowsPickTheLayerClampedToTheProducers) {
  EXPECT_EQ(SfuSignaling::spatial_layer_for(0, 0, 3), 0);
  EXPECT_EQ(SfuSignaling::spatial_layer_for(320, 180, 3), 0);
  EXPECT_EQ(SfuSignaling::spatial_layer_for(200, 200, 3), 0);
  EXPECT_EQ(SfuSignaling::spatial_layer_for(200, 201, 3), 1);
  EXPECT_EQ(SfuSignaling::spatial_layer_for(640, 360, 3), 1);
  EXPECT_EQ(SfuSignaling::spatial_layer_for(400, 400, 3), 1);
  EXPECT_EQ(SfuSignaling::spatial_layer_for(1280, 720, 3), 2);
  // A wide, short tile is filled by the picture: its width counts (1000 * 9/16 = 562.5).
  EXPECT_EQ(SfuSignaling::spatial_layer_for(1000, 150, 3), 2);
  EXPECT_EQ(SfuSignaling::spatial_layer_for(1280, 720, 2), 1);
  EXPECT_EQ(SfuSignaling::spatial_layer_for(1280, 720, 1), 0);
}

TEST_F(SimulcastTest, TileSizesBecomePreferredLayersOnlyWhenTheLayerChanges) {
  const std::string consumer = watch("b", camera_a);
  router.clear();
  // It starts at the highest layer: a big tile changes nothing.
  auto ack = layers("b", consumer, 1920, 1080);
  EXPECT_EQ(ack, json({{"ok", true}, {"spatial_layer", 2}}));
  EXPECT_THAT(router.log, IsEmpty());
  ack = layers("b", consumer, 320, 180);
  EXPECT_EQ(ack, json({{"ok", true}, {"spatial_layer", 0}}));
  layers("b", consumer, 300, 168.5);  // still layer 0
  EXPECT_EQ(layers("b", consumer, 640, 360)["spatial_layer"], 1);
  EXPECT_EQ(layers("b", consumer, 0, 0)["spatial_layer"], 0);  // hidden
  EXPECT_EQ(layers("b", consumer, 1280, 720)["spatial_layer"], 2);
  EXPECT_THAT(router.log, ElementsAre("preferred_layers " + consumer + " 0 2",
                                      "preferred_layers " + consumer + " 1 2",
                                      "preferred_layers " + consumer + " 0 2",
                                      "preferred_layers " + consumer + " 2 2"));
}

TEST_F(SimulcastTest, TheTemporalLayerIsTheHighestOfTheChosenEncoding) {
  json parameters = chrome_vp8_simulcast_parameters();
  parameters["encodings"][0]["scalabilityMode"] = "L1T1";
  parameters["encodings"][1]["scalabilityMode"] = "L1T2";
  parameters["encodings"].erase(2);
  const auto send_b = transport("b", "send");
  const std::string camera_b = produce("b", send_b, "camera", parameters);
  const std::string consumer = watch("c", camera_b);
  router.clear();
  EXPECT_EQ(layers("c", consumer, 100, 100)["spatial_layer"], 0);
  EXPECT_EQ(layers("c", consumer, 4000, 3000)["spatial_layer"], 1);  // clamped to 2 layers
  EXPECT_THAT(router.log, ElementsAre("preferred_layers " + consumer + " 0 0",
                                      "preferred_layers " + consumer + " 1 1"));
}

TEST_F(SimulcastTest, ASingleLayerProducerNeverChangesLayers) {
  const auto send_b = transport("b", "send");
  const std::string camera_b = produce("b", send_b, "camera", chrome_vp8_parameters(50, 51));
  const std::string consumer = watch("c", camera_b);
  router.clear();
  outbox.clear();
  EXPECT_EQ(layers("c", consumer, 100, 100), json({{"ok", true}, {"spatial_layer", 0}}));
  EXPECT_EQ(layers("c", consumer, 1920, 1080)["spatial_layer"], 0);
  EXPECT_THAT(router.log, IsEmpty());
  EXPECT_THAT(outbox.sent, IsEmpty());
}

TEST_F(SimulcastTest, BadLayerRequestsAreRefusedAndChangeNothing) {
  const std::string consumer = watch("b", camera_a);
  const auto audio = consume("b", recv_b, mic_a)["consumer"]["id"].get<std::string>();
  const std::string consumer_c = watch("c", camera_a);
  router.clear();
  outbox.clear();
  struct Case {
    const char* label;
    ParticipantId who;
    json payload;
    const char* code;
    const char* message_part;
  };
  const std::vector<Case> cases = {
      {"not_object", "b", json::array(), "bad_request", "payload"},
      {"no_consumer", "b", {{"width", 10}, {"height", 10}}, "bad_request", "consumer_id"},
      {"consumer_number",
       "b",
       {{"consumer_id", 5}, {"width", 1}, {"height", 1}},
       "bad_request",
       "consumer_id"},
      {"no_width", "b", {{"consumer_id", consumer}, {"height", 10}}, "bad_request", "width"},
      {"no_height", "b", {{"consumer_id", consumer}, {"width", 10}}, "bad_request", "height"},
      {"width_string",
       "b",
       {{"consumer_id", consumer}, {"width", "640"}, {"height", 360}},
       "bad_request",
       "'width' must be a number 0..16384"},
      {"height_null",
       "b",
       {{"consumer_id", consumer}, {"width", 640}, {"height", nullptr}},
       "bad_request",
       "height"},
      {"negative",
       "b",
       {{"consumer_id", consumer}, {"width", -1}, {"height", 360}},
       "bad_request",
       "width"},
      {"huge",
       "b",
       {{"consumer_id", consumer}, {"width", 640}, {"height", 1e9}},
       "bad_request",
       "height"},
      {"bool",
       "b",
       {{"consumer_id", consumer}, {"width", true}, {"height", 1}},
       "bad_request",
       "width"},
      {"unknown",
       "b",
       {{"consumer_id", "nope"}, {"width", 1}, {"height", 1}},
       "unknown_consumer",
       "consumer_id"},
      {"someone_elses",
       "b",
       {{"consumer_id", consumer_c}, {"width", 1}, {"height", 1}},
       "unknown_consumer",
       "consumer_id"},
      {"producer_id",
       "b",
       {{"consumer_id", camera_a}, {"width", 1}, {"height", 1}},
       "unknown_consumer",
       "consumer_id"},
      {"audio",
       "b",
       {{"consumer_id", audio}, {"width", 1}, {"height", 1}},
       "bad_request",
       "audio consumer"},
      {"other_room",
       "x",
       {{"consumer_id", consumer}, {"width", 1}, {"height", 1}},
       "not_in_room",
       ""},
  };
  for (const auto& c : cases) {
    const auto ack = call(c.who, "sfu_consumer_layers", c.payload);
    EXPECT_EQ(error_code(ack), c.code) << c.label << ": " << ack.dump();
    EXPECT_THAT(error_message(ack), HasSubstr(c.message_part)) << c.label;
  }
  EXPECT_THAT(router.log, IsEmpty());
  EXPECT_THAT(outbox.sent, IsEmpty());
}

TEST_F(SimulcastTest, LayerRequestsAreRateLimitedPerParticipant) {
  config.sfu_layers_rate = {.per_second = 1, .burst = 3};
  restart();
  join_quietly("a", "r");
  join_quietly("b", "r");
  join_quietly("c", "r");
  send_a = transport("a", "send");
  camera_a = produce("a", send_a, "camera", chrome_vp8_simulcast_parameters());
  recv_b = transport("b", "recv");
  recv_c = transport("c", "recv");
  const std::string consumer = watch("b", camera_a);
  const std::string consumer_c = watch("c", camera_a);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(error_code(layers("b", consumer, 100, 100)), "ok");
  const auto refused = layers("b", consumer, 1000, 1000);
  EXPECT_EQ(error_code(refused), "rate_limited");
  EXPECT_EQ(refused["error"]["retry_after_ms"], 1000);
  EXPECT_EQ(meeting().stats().limits_hit.at("sfu_layers"), 1u);
  // c has its own budget; b gets one more a second later.
  EXPECT_EQ(error_code(layers("c", consumer_c, 100, 100)), "ok");
  clock.now += 1000;
  EXPECT_EQ(layers("b", consumer, 1000, 1000)["spatial_layer"], 2);
}

TEST_F(SimulcastTest, ThePublisherIsToldTheHighestLayerAnUnpausedConsumerWants) {
  const std::string consumer_b = watch("b", camera_a);
  const std::string consumer_c = watch("c", camera_a);
  EXPECT_THAT(producer_layers_to_a(), IsEmpty());  // both start at the top, as the publisher
  layers("b", consumer_b, 320, 180);
  EXPECT_THAT(producer_layers_to_a(), IsEmpty());  // c still wants layer 2
  layers("c", consumer_c, 640, 360);
  EXPECT_THAT(producer_layers_to_a(), ElementsAre(1));
  layers("c", consumer_c, 320, 180);
  EXPECT_THAT(producer_layers_to_a(), ElementsAre(0));
  layers("b", consumer_b, 1280, 720);
  EXPECT_THAT(producer_layers_to_a(), ElementsAre(2));
  // A paused consumer wants nothing.
  call("b", "sfu_pause_consumer", {{"consumer_id", consumer_b}});
  EXPECT_THAT(producer_layers_to_a(), ElementsAre(0));
  call("b", "sfu_resume_consumer", {{"consumer_id", consumer_b}});
  EXPECT_THAT(producer_layers_to_a(), ElementsAre(2));
  // Neither does a consumer that is gone: b leaves.
  call("b", "leave_room", json::object());
  EXPECT_THAT(producer_layers_to_a(), ElementsAre(0));
  // Nobody watching at all keeps layer 0.
  call("c", "sfu_pause_consumer", {{"consumer_id", consumer_c}});
  EXPECT_THAT(producer_layers_to_a(), IsEmpty());
}

TEST_F(SimulcastTest, ASizeReportedBeforeTheResumeNeverRaisesThePublisher) {
  const auto consumer_b =
      consume("b", recv_b, camera_a).value("/consumer/id"_json_pointer, std::string());
  layers("b", consumer_b, 320, 180);  // paused: wants nothing yet, and nobody else watches
  EXPECT_THAT(producer_layers_to_a(), ElementsAre(0));
  call("b", "sfu_resume_consumer", {{"consumer_id", consumer_b}});
  EXPECT_THAT(producer_layers_to_a(), IsEmpty());
  const auto consumer_c =
      consume("c", recv_c, camera_a).value("/consumer/id"_json_pointer, std::string());
  layers("c", consumer_c, 1280, 720);
  EXPECT_THAT(producer_layers_to_a(), IsEmpty());
  call("c", "sfu_resume_consumer", {{"consumer_id", consumer_c}});
  EXPECT_THAT(producer_layers_to_a(), ElementsAre(2));
}

TEST_F(SimulcastTest, ReplacedAndClosedConsumersStopCounting) {
  const std::string consumer_b = watch("b", camera_a);
  const std::string consumer_c = watch("c", camera_a);
  layers("b", consumer_b, 100, 100);
  producer_layers_to_a();
  // c consumes again: the old consumer (wanting layer 2) is replaced by a paused one.
  ASSERT_EQ(error_code(consume("c", recv_c, camera_a)), "ok");
  EXPECT_THAT(producer_layers_to_a(), ElementsAre(0));
  const auto resumed = consume("c", recv_c, camera_a)["consumer"]["id"].get<std::string>();
  call("c", "sfu_resume_consumer", {{"consumer_id", resumed}});
  EXPECT_THAT(producer_layers_to_a(), ElementsAre(2));
  // c's receive transport is closed by the data plane.
  meeting().media_events().transport_closed(recv_c, "consent_timeout");
  EXPECT_THAT(producer_layers_to_a(), ElementsAre(0));
}

TEST_F(SimulcastTest, SingleLayerProducersAreNeverSentLayers) {
  const auto send_b = transport("b", "send");
  const std::string camera_b = produce("b", send_b, "camera", chrome_vp8_parameters(50, 51));
  const std::string consumer = watch("c", camera_b);
  call("c", "sfu_pause_consumer", {{"consumer_id", consumer}});
  call("c", "sfu_resume_consumer", {{"consumer_id", consumer}});
  call("c", "leave_room", json::object());
  EXPECT_THAT(outbox.recipients_of("sfu_producer_layers"), IsEmpty());
}

}  // namespace
}  // namespace confab::meeting::testing
