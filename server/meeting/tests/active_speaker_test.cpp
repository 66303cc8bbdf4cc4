// The SFU's speech readings become each room's `active_speaker`, told to that room only.
#include <gmock/gmock.h>

#include "meeting/tests/sfu_fixture.hpp"

namespace confab::meeting::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// a and b in room r, x in room s, each with a mic (and a a camera).
class ActiveSpeakerTest : public SfuTest {
 protected:
  void SetUp() override {
    join_quietly("a", "r");
    join_quietly("b", "r");
    join_quietly("x", "s");
    const auto send_a = transport("a", "send");
    mic_a = produce("a", send_a, "mic", chrome_opus_parameters(1));
    camera_a = produce("a", send_a, "camera", chrome_vp8_parameters(2, 3));
    mic_b = produce("b", transport("b", "send"), "mic", chrome_opus_parameters(4));
    mic_x = produce("x", transport("x", "send"), "mic", chrome_opus_parameters(5));
    outbox.clear();
  }
  void report(const std::vector<AudioLevel>& levels, int times = 1) {
    for (int i = 0; i < times; ++i) meeting().media_events().audio_levels(levels);
  }

  std::string mic_a, camera_a, mic_b, mic_x;
};

TEST_F(ActiveSpeakerTest, TheSpeakingMemberIsAnnouncedToItsRoomOnce) {
  report({{mic_a, 0}, {mic_b, 0.8f}, {mic_x, 0}}, 5);
  EXPECT_THAT(outbox.recipients_of("active_speaker"), UnorderedElementsAre("a", "b"));
  EXPECT_EQ(outbox.to("a").back().data, json({{"user_id", "b"}}));
  EXPECT_THAT(events_to("x"), IsEmpty());
}

TEST_F(ActiveSpeakerTest, EachRoomHasItsOwnSpeaker) {
  report({{mic_a, 0.9f}, {mic_b, 0}, {mic_x, 0.9f}}, 3);
  EXPECT_EQ(outbox.to("b").back().data, json({{"user_id", "a"}}));
  EXPECT_EQ(outbox.to("x").back().data, json({{"user_id", "x"}}));
}

TEST_F(ActiveSpeakerTest, TheSpeakerFollowsTheConversation) {
  report({{mic_a, 0.9f}, {mic_b, 0}, {mic_x, 0}}, 5);
  outbox.clear();
  report({{mic_a, 0}, {mic_b, 0.9f}, {mic_x, 0}}, 5);
  EXPECT_THAT(outbox.recipients_of("active_speaker"), UnorderedElementsAre("a", "b"));
  EXPECT_EQ(outbox.to("a").back().data, json({{"user_id", "b"}}));
}

TEST_F(ActiveSpeakerTest, OnlyMicrophonesCount) {
  // A reading under a camera's id (the data plane reports audio only) is not speech.
  report({{camera_a, 1}, {mic_b, 0}}, 5);
  EXPECT_THAT(outbox.recipients_of("active_speaker"), IsEmpty());
}

TEST_F(ActiveSpeakerTest, UnknownProducersChangeNothing) {
  report({{"nope", 1}, {"", 1}}, 5);
  EXPECT_THAT(outbox.sent, IsEmpty());
}

TEST_F(ActiveSpeakerTest, ALateJoinerLearnsTheSpeakerFromItsAck) {
  report({{mic_a, 0.9f}, {mic_b, 0}}, 5);
  EXPECT_EQ(join("c", "r")["active_speaker"], "a");
  EXPECT_FALSE(join("y", "s").contains("active_speaker"));  // nobody spoke in s yet
}

TEST_F(ActiveSpeakerTest, ALeavingSpeakerMakesRoomForTheNext) {
  report({{mic_a, 0.9f}, {mic_b, 0.3f}}, 5);
  call("a", "leave_room", json::object());
  outbox.clear();
  report({{mic_b, 0.3f}});
  EXPECT_THAT(outbox.recipients_of("active_speaker"), ElementsAre("b"));
  EXPECT_EQ(outbox.to("b").back().data, json({{"user_id", "b"}}));
}

}  // namespace
}  // namespace confab::meeting::testing
