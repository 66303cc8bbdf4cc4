#include <gmock/gmock.h>

#include "meeting/tests/meeting_fixture.hpp"

namespace confab::meeting::testing {
namespace {

using ::testing::IsEmpty;

class MeetingRelayTest : public MeetingTest {
 protected:
  void SetUp() override {
    join_quietly("a", "r");
    join_quietly("b", "r");
    join_quietly("x", "other");
  }
  static json offer_to(const std::string& target) {
    return {{"other_user_id", target}, {"offer", {{"type", "offer"}, {"sdp", "v=0\r\no=- 1 2"}}}};
  }
};

TEST_F(MeetingRelayTest, OfferReachesOnlyTheTargetStampedWithTheSender) {
  EXPECT_EQ(call("a", "offer", offer_to("b")), json({{"ok", true}}));
  ASSERT_EQ(outbox.sent.size(), 1u);
  EXPECT_EQ(outbox.sent[0].to, "b");
  EXPECT_EQ(outbox.sent[0].event, "offer");
  EXPECT_EQ(outbox.sent[0].data,
            json({{"user_id", "a"}, {"offer", {{"type", "offer"}, {"sdp", "v=0\r\no=- 1 2"}}}}));
}

TEST_F(MeetingRelayTest, AnswerAndCandidatesAreRelayedWithAllTheirFields) {
  call("b", "answer",
       {{"other_user_id", "a"}, {"answer", {{"type", "answer"}, {"sdp", "v=0"}}}, {"extra", 7}});
  const json candidate{{"candidate", "candidate:1 1 udp 2122260223 10.0.0.1 5000 typ host"},
                       {"sdpMid", "0"},
                       {"sdpMLineIndex", 0}};
  call("b", "ice_candidate", {{"other_user_id", "a"}, {"candidate", candidate}});
  call("b", "ice_candidate", {{"other_user_id", "a"}, {"candidate", nullptr}});

  ASSERT_EQ(outbox.sent.size(), 3u);
  for (const auto& sent : outbox.sent) EXPECT_EQ(sent.to, "a");
  EXPECT_EQ(
      outbox.sent[0].data,
      json({{"user_id", "b"}, {"answer", {{"type", "answer"}, {"sdp", "v=0"}}}, {"extra", 7}}));
  EXPECT_EQ(outbox.sent[1].event, "ice_candidate");
  EXPECT_EQ(outbox.sent[1].data, json({{"user_id", "b"}, {"candidate", candidate}}));
  EXPECT_EQ(outbox.sent[2].data, json({{"user_id", "b"}, {"candidate", nullptr}}));
}

TEST_F(MeetingRelayTest, ForgedUserIdIsOverwritten) {
  auto payload = offer_to("b");
  payload["user_id"] = "x";  // pretending to be someone else
  call("a", "offer", payload);
  ASSERT_EQ(outbox.sent.size(), 1u);
  EXPECT_EQ(outbox.sent[0].data["user_id"], "a");
  EXPECT_FALSE(outbox.sent[0].data.contains("other_user_id"));
}

TEST_F(MeetingRelayTest, TextPayloadIsForwardedByteForByteMinusTheIds) {
  // Escaped keys are still recognised; whitespace, number forms and key order stay as sent.
  const std::string payload =
      R"({"user_id":"x", "candidate" : {"candidate":"c:1 1 udp","sdpMLineIndex":0.0} ,)"
      R"("other\u005fuser_id":"b","z":[1,2],"user\u005fid":"y"})";
  EXPECT_EQ(meeting().relay_text("a", Signal::ice_candidate, payload), std::nullopt);
  ASSERT_EQ(outbox.sent.size(), 1u);
  EXPECT_EQ(outbox.sent[0].to, "b");
  EXPECT_EQ(outbox.sent[0].event, "ice_candidate");
  EXPECT_EQ(
      outbox.sent[0].text,
      R"({"user_id":"a","candidate" : {"candidate":"c:1 1 udp","sdpMLineIndex":0.0},"z":[1,2]})");
  EXPECT_EQ(meeting().stats().messages_relayed, 1u);
}

TEST_F(MeetingRelayTest, TextPayloadErrorsAreAcksAndDeliverNothing) {
  const std::pair<Signal, const char*> cases[] = {
      {Signal::offer, R"({"other_user_id":"x","offer":{"type":"offer","sdp":"s"}})"},  // other room
      {Signal::offer, R"({"other_user_id":"b","offer":{"type":"offer"}})"},
      {Signal::answer, R"({"other_user_id":"b","answer":"v=0"})"},
      {Signal::ice_candidate, R"({"other_user_id":"b","candidate":7})"},
      {Signal::ice_candidate, R"({"other_user_id":1,"candidate":null})"},
      {Signal::ice_candidate, R"(["b"])"},
  };
  const char* expected[] = {"unknown_peer", "bad_request", "bad_request",
                            "bad_request",  "bad_request", "bad_request"};
  for (std::size_t i = 0; i < std::size(cases); ++i) {
    const auto ack = meeting().relay_text("a", cases[i].first, cases[i].second);
    ASSERT_TRUE(ack) << cases[i].second;
    EXPECT_EQ(error_code(*ack), expected[i]) << cases[i].second;
  }
  EXPECT_EQ(error_code(*meeting().relay_text("stranger", Signal::offer, "{}")), "not_in_room");
  EXPECT_THAT(outbox.sent, IsEmpty());
}

TEST_F(MeetingRelayTest, UnknownTargetIsRejected) {
  EXPECT_EQ(error_code(call("a", "offer", offer_to("nobody"))), "unknown_peer");
  EXPECT_THAT(outbox.sent, IsEmpty());
}

TEST_F(MeetingRelayTest, TargetInAnotherRoomIsRejectedAndNothingDelivered) {
  for (const auto* event : {"offer", "answer", "ice_candidate"}) {
    json payload{{"other_user_id", "x"},
                 {"offer", {{"type", "offer"}, {"sdp", "s"}}},
                 {"answer", {{"type", "answer"}, {"sdp", "s"}}},
                 {"candidate", nullptr}};
    EXPECT_EQ(error_code(call("a", event, payload)), "unknown_peer") << event;
  }
  EXPECT_THAT(outbox.sent, IsEmpty());
}

TEST_F(MeetingRelayTest, SenderCannotTargetItself) {
  EXPECT_EQ(error_code(call("a", "offer", offer_to("a"))), "unknown_peer");
  EXPECT_THAT(outbox.sent, IsEmpty());
}

TEST_F(MeetingRelayTest, TargetThatLeftIsUnknown) {
  call("b", "leave_room", json::object());
  outbox.clear();
  EXPECT_EQ(error_code(call("a", "offer", offer_to("b"))), "unknown_peer");
  EXPECT_THAT(outbox.sent, IsEmpty());
}

TEST_F(MeetingRelayTest, RelayBeforeJoinIsNotInRoom) {
  EXPECT_EQ(error_code(call("stranger", "offer", offer_to("a"))), "not_in_room");
  EXPECT_THAT(outbox.sent, IsEmpty());
}

}  // namespace
}  // namespace confab::meeting::testing
