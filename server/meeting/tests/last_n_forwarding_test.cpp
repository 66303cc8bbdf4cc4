// Last-N in an SFU room: a subscriber's camera consumers are forwarded for the most recent
// speakers, its pins and every screen share, and the router hears only of changes.
#include <gmock/gmock.h>

#include <map>

#include "meeting/tests/sfu_fixture.hpp"

namespace confab::meeting::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// last-n 2. s subscribes to the cameras (and mics) of p1..p4, who joined after it in that order.
class LastNForwardingTest : public SfuTest {
 protected:
  static constexpr std::array<const char*, 4> kPublishers = {"p1", "p2", "p3", "p4"};

  LastNForwardingTest() { config.last_n = 2; }

  void SetUp() override {
    join_quietly("s", "r");
    for (const char* p : kPublishers) join_quietly(p, "r");
    recv = transport("s", "recv");
    std::uint32_t ssrc = 10;
    for (const char* p : kPublishers) {
      send[p] = transport(p, "send");
      mic[p] = produce(p, send[p], "mic", chrome_opus_parameters(ssrc++));
      camera[p] = produce(p, send[p], "camera", chrome_vp8_parameters(ssrc, ssrc + 1));
      ssrc += 2;
    }
    for (const char* p : kPublishers) {
      const auto ack = consume("s", recv, camera[p]);
      ASSERT_EQ(error_code(ack), "ok") << ack.dump();
      camera_consumer[p] = ack["consumer"]["id"].get<std::string>();
      forwarded_in_ack[p] = ack["consumer"]["forwarded"].get<bool>();
    }
    // The client resumes everything it shows.
    for (const char* p : kPublishers) resume(camera_consumer[p]);
    outbox.clear();
    router.clear();
  }

  void resume(const std::string& consumer) {
    ASSERT_EQ(error_code(call("s", "sfu_resume_consumer", {{"consumer_id", consumer}})), "ok");
  }
  void pause(const std::string& consumer) {
    ASSERT_EQ(error_code(call("s", "sfu_pause_consumer", {{"consumer_id", consumer}})), "ok");
  }
  json pin(const json& user_ids) { return call("s", "sfu_pin", {{"user_ids", user_ids}}); }

  // `who` alone speaks until the room names it the active speaker.
  void speak(const std::string& who) {
    const std::size_t before = outbox.sent.size();
    for (int i = 0; i < 50; ++i) {
      std::vector<AudioLevel> levels;
      for (const char* p : kPublishers) levels.push_back({mic[p], p == who ? 0.9f : 0.0f});
      meeting().media_events().audio_levels(levels);
      for (std::size_t m = before; m < outbox.sent.size(); ++m) {
        const auto& message = outbox.sent[m];
        if (message.to == "s" && message.event == "active_speaker" &&
            message.data["user_id"] == who) {
          return;
        }
      }
    }
    FAIL() << who << " never became the active speaker";
  }

  // The router's consumer commands, with the publisher instead of the consumer id.
  std::vector<std::string> consumer_commands() const {
    std::map<std::string, std::string> publisher_of;
    for (const auto& [p, id] : camera_consumer) publisher_of[id] = p;
    for (const auto& [p, id] : mic_consumer) publisher_of[id] = p + "/mic";
    std::vector<std::string> commands;
    for (const auto& line : router.log) {
      const auto space = line.find(' ');
      const auto verb = line.substr(0, space);
      if (verb != "pause_consumer" && verb != "resume_consumer") continue;
      const auto id = line.substr(space + 1);
      commands.push_back(verb + " " + (publisher_of.contains(id) ? publisher_of[id] : id));
    }
    return commands;
  }

  // What s was told by sfu_consumer_forwarding: "p3 on", "p2 off".
  std::vector<std::string> forwarding_events() const {
    std::vector<std::string> events;
    for (const auto& message : outbox.to("s")) {
      if (message.event != "sfu_consumer_forwarding") continue;
      const auto& data = message.data;
      const auto user = data["user_id"].get<std::string>();
      EXPECT_EQ(data["consumer_id"], camera_consumer.at(user));
      EXPECT_EQ(data["producer_id"], camera.at(user));
      events.push_back(data["user_id"].get<std::string>() +
                       (data["forwarded"].get<bool>() ? " on" : " off"));
    }
    return events;
  }

  std::string recv;
  std::map<std::string, std::string> send, mic, camera, camera_consumer, mic_consumer;
  std::map<std::string, bool> forwarded_in_ack;
};

TEST_F(LastNForwardingTest, BeforeAnyoneSpeaksTheFirstTwoToJoinAreForwarded) {
  EXPECT_TRUE(forwarded_in_ack["p1"]);
  EXPECT_TRUE(forwarded_in_ack["p2"]);
  EXPECT_FALSE(forwarded_in_ack["p3"]);
  EXPECT_FALSE(forwarded_in_ack["p4"]);
  // Resuming all four (in SetUp) reached the router for p1 and p2 only: check from scratch.
  for (const char* p : kPublishers) pause(camera_consumer[p]);
  router.clear();
  for (const char* p : kPublishers) resume(camera_consumer[p]);
  EXPECT_THAT(consumer_commands(), ElementsAre("resume_consumer p1", "resume_consumer p2"));
}

TEST_F(LastNForwardingTest, ForwardingFollowsTheSpeaker) {
  speak("p3");  // order p3 p1 p2 p4: p2 drops out
  EXPECT_THAT(consumer_commands(), UnorderedElementsAre("pause_consumer p2", "resume_consumer p3"));
  EXPECT_THAT(forwarding_events(), UnorderedElementsAre("p2 off", "p3 on"));

  router.clear();
  outbox.clear();
  speak("p4");  // order p4 p3 p1 p2: p1, the least recent of the two, drops out
  EXPECT_THAT(consumer_commands(), UnorderedElementsAre("pause_consumer p1", "resume_consumer p4"));
  EXPECT_THAT(forwarding_events(), UnorderedElementsAre("p1 off", "p4 on"));

  router.clear();
  outbox.clear();
  speak("p3");  // order p3 p4 p1 p2: the same two, nothing to change
  EXPECT_THAT(consumer_commands(), IsEmpty());
  EXPECT_THAT(forwarding_events(), IsEmpty());
}

TEST_F(LastNForwardingTest, EachSubscriberSkipsItself) {
  // p1 receives p2's camera and the next speaker's; its own does not take a slot.
  const auto p1_recv = transport("p1", "recv");
  std::map<std::string, bool> forwarded;
  for (const char* p : {"p2", "p3", "p4"}) {
    forwarded[p] = consume("p1", p1_recv, camera[p])["consumer"]["forwarded"].get<bool>();
  }
  EXPECT_TRUE(forwarded["p2"]);
  EXPECT_TRUE(forwarded["p3"]);
  EXPECT_FALSE(forwarded["p4"]);
}

TEST_F(LastNForwardingTest, PinsAreAlwaysForwarded) {
  ASSERT_EQ(error_code(pin(json::array({"p4"}))), "ok");
  EXPECT_THAT(consumer_commands(), ElementsAre("resume_consumer p4"));
  EXPECT_THAT(forwarding_events(), ElementsAre("p4 on"));

  router.clear();
  outbox.clear();
  speak("p3");  // order p3 p1 p2 p4: p2 out
  speak("p2");  // order p2 p3 p1 p4: p1 out; p4 is the least recent, and still pinned
  EXPECT_THAT(consumer_commands(), UnorderedElementsAre("pause_consumer p2", "resume_consumer p3",
                                                        "resume_consumer p2", "pause_consumer p1"));

  router.clear();
  outbox.clear();
  ASSERT_EQ(error_code(pin(json::array())), "ok");
  EXPECT_THAT(consumer_commands(), ElementsAre("pause_consumer p4"));
  EXPECT_THAT(forwarding_events(), ElementsAre("p4 off"));
}

TEST_F(LastNForwardingTest, ScreenSharesAndAudioAreNeverCut) {
  const auto screen = produce("p4", send["p4"], "screen", chrome_vp8_parameters(90, 91));
  const auto screen_ack = consume("s", recv, screen);
  EXPECT_TRUE(screen_ack["consumer"]["forwarded"].get<bool>());
  const auto mic_ack = consume("s", recv, mic["p4"]);
  EXPECT_TRUE(mic_ack["consumer"]["forwarded"].get<bool>());
  const auto screen_consumer = screen_ack["consumer"]["id"].get<std::string>();
  const auto mic_p4 = mic_ack["consumer"]["id"].get<std::string>();
  router.clear();
  resume(screen_consumer);
  resume(mic_p4);
  EXPECT_THAT(router.log,
              ElementsAre("resume_consumer " + screen_consumer, "resume_consumer " + mic_p4));
  // Speakers come and go: neither is touched.
  router.clear();
  speak("p3");
  speak("p1");
  ASSERT_THAT(router.log, ::testing::Not(IsEmpty()));  // cameras did move
  for (const auto& line : router.log) {
    EXPECT_EQ(line.find(screen_consumer), std::string::npos) << line;
    EXPECT_EQ(line.find(mic_p4), std::string::npos) << line;
  }
}

TEST_F(LastNForwardingTest, TheClientsOwnPauseIsRespected) {
  pause(camera_consumer["p1"]);  // off screen on s's side
  EXPECT_THAT(consumer_commands(), ElementsAre("pause_consumer p1"));

  router.clear();
  outbox.clear();
  speak("p3");
  speak("p4");  // p1 and p2 drop out; p1 was paused already, the router hears of p2 only
  EXPECT_THAT(consumer_commands(), UnorderedElementsAre("pause_consumer p2", "resume_consumer p3",
                                                        "resume_consumer p4"));
  // s still learns that p1 is held back, for when it shows p1 again.
  EXPECT_THAT(forwarding_events(), UnorderedElementsAre("p1 off", "p2 off", "p3 on", "p4 on"));

  router.clear();
  resume(camera_consumer["p1"]);  // s shows p1 again: last-N still holds it back
  EXPECT_THAT(consumer_commands(), IsEmpty());
  speak("p1");  // order p1 p4 p3 p2: now it flows
  EXPECT_THAT(consumer_commands(), UnorderedElementsAre("resume_consumer p1", "pause_consumer p3"));

  router.clear();
  pause(camera_consumer["p3"]);  // held back and paused: nothing to tell the router
  speak("p3");                   // forwarded again by last-N, but paused by s
  EXPECT_THAT(consumer_commands(), UnorderedElementsAre("pause_consumer p4"));
}

TEST_F(LastNForwardingTest, ACameraTurnedOffOrGoneFreesItsSlot) {
  ASSERT_EQ(error_code(call("p1", "sfu_pause_producer", {{"producer_id", camera["p1"]}})), "ok");
  EXPECT_THAT(consumer_commands(), UnorderedElementsAre("pause_consumer p1", "resume_consumer p3"));
  router.clear();
  outbox.clear();
  ASSERT_EQ(error_code(call("p1", "sfu_resume_producer", {{"producer_id", camera["p1"]}})), "ok");
  EXPECT_THAT(consumer_commands(), UnorderedElementsAre("resume_consumer p1", "pause_consumer p3"));

  router.clear();
  outbox.clear();
  call("p2", "leave_room", json::object());
  EXPECT_THAT(consumer_commands(), ElementsAre("resume_consumer p3"));
  EXPECT_THAT(forwarding_events(), ElementsAre("p3 on"));
}

TEST_F(LastNForwardingTest, ALeavingPinnedMemberIsUnpinned) {
  ASSERT_EQ(error_code(pin(json::array({"p4"}))), "ok");
  call("p4", "leave_room", json::object());
  router.clear();
  join_quietly("p4", "r");  // a new member, new producers: not pinned
  const auto send_p4 = transport("p4", "send");
  const auto camera_p4 = produce("p4", send_p4, "camera", chrome_vp8_parameters(80, 81));
  EXPECT_FALSE(consume("s", recv, camera_p4)["consumer"]["forwarded"].get<bool>());
}

TEST_F(LastNForwardingTest, BadPinPayloadsGetClearErrors) {
  join_quietly("x", "elsewhere");
  const auto expect_refused = [&](const json& payload, const std::string& code,
                                  const std::string& message) {
    const auto ack = call("s", "sfu_pin", payload);
    EXPECT_EQ(error_code(ack), code) << payload.dump();
    EXPECT_THAT(error_message(ack), ::testing::HasSubstr(message)) << payload.dump();
  };
  expect_refused(json::array(), "bad_request", "payload must be a JSON object");
  expect_refused(json::object(), "bad_request", "field 'user_ids' is required");
  expect_refused({{"user_ids", "p1"}}, "bad_request", "at most 4 user ids");
  expect_refused({{"user_ids", json::array({"p1", "p2", "p3", "p4", "p1"})}}, "bad_request",
                 "at most 4 user ids");
  expect_refused({{"user_ids", json::array({"p1", 7})}}, "bad_request", "must hold strings");
  expect_refused({{"user_ids", json::array({"s"})}}, "unknown_peer", "other members of your room");
  expect_refused({{"user_ids", json::array({"p1", "nobody"})}}, "unknown_peer",
                 "other members of your room");
  expect_refused({{"user_ids", json::array({"x"})}}, "unknown_peer", "other members of your room");
  // A refused pin changes nothing.
  EXPECT_THAT(router.log, IsEmpty());
  EXPECT_THAT(forwarding_events(), IsEmpty());
}

TEST_F(LastNForwardingTest, PinningNeedsAnSfuRoom) {
  config.mesh_max = 4;
  restart();
  join_quietly("a", "mesh");
  join_quietly("b", "mesh");
  EXPECT_EQ(error_code(call("a", "sfu_pin", {{"user_ids", json::array({"b"})}})),
            "sfu_unavailable");
}

// last-n 0: every camera flows, whoever speaks.
class UnlimitedForwardingTest : public LastNForwardingTest {
 protected:
  UnlimitedForwardingTest() { config.last_n = 0; }
};

TEST_F(UnlimitedForwardingTest, EveryCameraIsForwarded) {
  for (const char* p : kPublishers) EXPECT_TRUE(forwarded_in_ack[p]) << p;
  speak("p4");
  EXPECT_THAT(consumer_commands(), IsEmpty());
  EXPECT_THAT(forwarding_events(), IsEmpty());
}

}  // namespace
}  // namespace confab::meeting::testing
