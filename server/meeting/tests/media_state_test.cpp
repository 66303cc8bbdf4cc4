#include <gmock/gmock.h>

#include "meeting/tests/meeting_fixture.hpp"

namespace confab::meeting::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

class MeetingMediaStateTest : public MeetingTest {
 protected:
  void SetUp() override {
    join_quietly("a", "r");
    join_quietly("b", "r");
    join_quietly("x", "other");
  }
  static json state(bool audio, bool video, bool screen, bool hand) {
    return {
        {"user_id", "a"}, {"audio", audio}, {"video", video}, {"screen", screen}, {"hand", hand}};
  }
};

TEST_F(MeetingMediaStateTest, PartialUpdatesKeepTheOtherValues) {
  EXPECT_EQ(call("a", "media_state", {{"audio", false}}), json({{"ok", true}}));
  ASSERT_EQ(outbox.sent.size(), 1u);
  EXPECT_EQ(outbox.sent[0].to, "b");
  EXPECT_EQ(outbox.sent[0].event, "peer_state");
  EXPECT_EQ(outbox.sent[0].data, state(false, true, false, false));

  outbox.clear();
  call("a", "media_state", {{"hand", true}, {"screen", true}});
  ASSERT_EQ(outbox.sent.size(), 1u);
  EXPECT_EQ(outbox.sent[0].data, state(false, true, true, true));
}

TEST_F(MeetingMediaStateTest, NewcomersSeeTheCurrentState) {
  call("a", "media_state", {{"video", false}, {"hand", true}});
  const auto ack = join("c", "r");
  ASSERT_EQ(ack["participants"][0]["id"], "a");
  EXPECT_EQ(ack["participants"][0]["video"], false);
  EXPECT_EQ(ack["participants"][0]["hand"], true);
  EXPECT_EQ(ack["participants"][0]["audio"], true);
}

TEST_F(MeetingMediaStateTest, InitialStateComesFromJoin) {
  const auto ack = call("c", "join_room", {{"room", "r"}, {"audio", false}, {"video", false}});
  EXPECT_EQ(outbox.sent.back().data["audio"], false);
  EXPECT_EQ(outbox.sent.back().data["video"], false);
  EXPECT_EQ(ack["ok"], true);
}

TEST_F(MeetingMediaStateTest, AWrongTypeChangesNothing) {
  const auto ack = call("a", "media_state", {{"audio", false}, {"video", "yes"}});
  EXPECT_EQ(error_code(ack), "bad_request");
  EXPECT_THAT(error_message(ack), HasSubstr("'video'"));
  EXPECT_THAT(outbox.sent, IsEmpty());
  EXPECT_EQ(join("c", "r")["participants"][0]["audio"], true);
}

TEST_F(MeetingMediaStateTest, BeforeJoinIsNotInRoom) {
  EXPECT_EQ(error_code(call("stranger", "media_state", {{"audio", false}})), "not_in_room");
  EXPECT_THAT(outbox.sent, IsEmpty());
}

}  // namespace
}  // namespace confab::meeting::testing
