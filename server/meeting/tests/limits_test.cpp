// Abuse limits: rooms, participants, chat length and rate. A violation gets a clear error and
// counts in the metrics; everyone else carries on.
#include <gmock/gmock.h>

#include "meeting/tests/meeting_fixture.hpp"

namespace confab::meeting::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

using MeetingLimitsTest = MeetingTest;

TEST_F(MeetingLimitsTest, ChatIsRateLimitedPerParticipant) {
  config.chat_rate = common::RateLimit{.per_second = 5, .burst = 10};
  join_quietly("spammer", "r");
  join_quietly("b", "r");
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(error_code(call("spammer", "message", {{"text", "spam"}})), "ok") << i;
  }
  outbox.clear();
  const auto limited = call("spammer", "message", {{"text", "spam"}});
  EXPECT_EQ(error_code(limited), "rate_limited");
  EXPECT_EQ(error_message(limited), "too many chat messages; slow down");
  EXPECT_THAT(outbox.sent, IsEmpty());
  EXPECT_EQ(store.recent_messages("r", 100).size(), 10u);
  EXPECT_EQ(meeting().stats().errors_by_code.at("rate_limited"), 1u);
  EXPECT_EQ(meeting().stats().limits_hit.at("chat_rate"), 1u);
  EXPECT_EQ(limited["error"]["retry_after_ms"], 200);

  // The other member is unaffected, and so is the spammer's signaling.
  EXPECT_EQ(error_code(call("b", "message", {{"text", "hello"}})), "ok");
  EXPECT_THAT(outbox.recipients_of("message"), UnorderedElementsAre("spammer", "b"));
  EXPECT_EQ(error_code(call("spammer", "media_state", {{"audio", false}})), "ok");

  clock.now += 200;  // one message per 200 ms
  EXPECT_EQ(error_code(call("spammer", "message", {{"text", "one more"}})), "ok");
  EXPECT_EQ(error_code(call("spammer", "message", {{"text", "too soon"}})), "rate_limited");
}

TEST_F(MeetingLimitsTest, LeavingAndRejoiningDoesNotRefillTheBucket) {
  config.chat_rate = common::RateLimit{.per_second = 1, .burst = 1};
  join_quietly("a", "r");
  EXPECT_EQ(error_code(call("a", "message", {{"text", "1"}})), "ok");
  call("a", "leave_room", json::object());
  join_quietly("a", "r");
  EXPECT_EQ(error_code(call("a", "message", {{"text", "2"}})), "rate_limited");
}

TEST_F(MeetingLimitsTest, RoomCountIsLimited) {
  config.max_rooms = 2;
  join_quietly("a", "one");
  join_quietly("b", "two");
  const auto refused = join("c", "three");
  EXPECT_EQ(error_code(refused), "too_many_rooms");
  EXPECT_THAT(error_message(refused), HasSubstr("limit of open rooms"));
  EXPECT_EQ(error_code(join("c", "one")), "ok");  // existing rooms still take people
  call("b", "leave_room", json::object());
  EXPECT_EQ(error_code(join("d", "three")), "ok");
  EXPECT_EQ(meeting().stats().errors_by_code.at("too_many_rooms"), 1u);
}

TEST_F(MeetingLimitsTest, ParticipantCountIsLimitedServerWide) {
  config.max_participants = 3;
  join_quietly("a", "one");
  join_quietly("b", "one");
  join_quietly("c", "two");
  outbox.clear();
  EXPECT_EQ(error_code(join("d", "one")), "server_full");
  EXPECT_EQ(error_code(join("d", "three")), "server_full");
  EXPECT_THAT(outbox.sent, IsEmpty());
  EXPECT_EQ(error_code(call("a", "message", {{"text", "we are fine"}})), "ok");
}

TEST_F(MeetingLimitsTest, ChatLengthIsLimited) {
  config.max_chat_length = 10;
  join_quietly("a", "r");
  EXPECT_EQ(error_code(call("a", "message", {{"text", std::string(11, 'x')}})), "too_long");
  EXPECT_EQ(error_code(call("a", "message", {{"text", std::string(10, 'x')}})), "ok");
}

TEST_F(MeetingLimitsTest, JoinAckCarriesTurnCredentialsForTheParticipant) {
  config.turn = TurnConfig{
      .urls = {"turn:turn.example.org:3478?transport=udp"}, .secret = "north-wind", .ttl_s = 600};
  const auto ack = join("peer-1", "r");
  ASSERT_EQ(ack["ice_servers"].size(), 2u);
  EXPECT_EQ(ack["ice_servers"][0], json({{"urls", "stun:stun.example.org:3478"}}));
  const json& turn = ack["ice_servers"][1];
  EXPECT_EQ(turn["urls"], json::array({"turn:turn.example.org:3478?transport=udp"}));
  EXPECT_EQ(turn["username"], std::to_string(clock.now / 1000 + 600) + ":peer-1");
  EXPECT_EQ(turn["credential"].get<std::string>().size(), 28u);  // base64 of 20 bytes
  // Before a join there are no TURN credentials to be had: only STUN.
  EXPECT_EQ(meeting().stun_servers(), json::array({{{"urls", "stun:stun.example.org:3478"}}}));
}

}  // namespace
}  // namespace confab::meeting::testing
