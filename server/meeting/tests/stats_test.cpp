#include <gmock/gmock.h>

#include "meeting/tests/meeting_fixture.hpp"

namespace confab::meeting::testing {
namespace {

using MeetingStatsTest = MeetingTest;

TEST_F(MeetingStatsTest, StartsEmptyWithEveryErrorCodeListed) {
  const auto stats = meeting().stats();
  EXPECT_EQ(stats.rooms, 0u);
  EXPECT_EQ(stats.participants, 0u);
  EXPECT_EQ(stats.messages_relayed, 0u);
  EXPECT_EQ(stats.chat_messages, 0u);
  EXPECT_EQ(stats.errors_by_code.size(), kErrorCodeCount);
  for (const auto* code : {"bad_request",
                           "invalid_room",
                           "invalid_name",
                           "invalid_message",
                           "room_full",
                           "not_in_room",
                           "unknown_peer",
                           "too_long",
                           "unknown_event",
                           "forbidden",
                           "password_required",
                           "wrong_password",
                           "invalid_token",
                           "token_expired",
                           "room_locked",
                           "removed",
                           "denied",
                           "rate_limited",
                           "too_many_attempts",
                           "too_many_rooms",
                           "server_full",
                           "wrong_mode",
                           "sfu_unavailable",
                           "unknown_transport",
                           "unknown_producer",
                           "unknown_consumer",
                           "source_taken",
                           "unsupported_codec",
                           "bad_rtp_parameters",
                           "bad_dtls_parameters",
                           "too_many_transports",
                           "internal_error"}) {
    EXPECT_EQ(stats.errors_by_code.at(code), 0u) << code;
  }
  EXPECT_EQ(stats.limits_hit.size(), kLimitCount - 1);
  for (const auto* limit :
       {"password_address", "password_room", "password_hashing", "knocks_per_address", "knock_rate",
        "chat_rate", "sfu_transports", "sfu_layers"}) {
    EXPECT_EQ(stats.limits_hit.at(limit), 0u) << limit;
  }
}

TEST_F(MeetingStatsTest, CountsRoomsParticipantsTrafficAndErrors) {
  join_quietly("a", "r");
  join_quietly("b", "r");
  join_quietly("c", "s");
  call("a", "ice_candidate", {{"other_user_id", "b"}, {"candidate", nullptr}});
  call("b", "answer", {{"other_user_id", "a"}, {"answer", {{"type", "answer"}, {"sdp", "x"}}}});
  call("a", "ice_candidate", {{"other_user_id", "c"}, {"candidate", nullptr}});  // unknown_peer
  call("a", "message", {{"text", "hi"}});
  call("a", "message", {{"text", 1}});     // bad_request
  call("z", "message", {{"text", "hi"}});  // not_in_room

  const auto stats = meeting().stats();
  EXPECT_EQ(stats.rooms, 2u);
  EXPECT_EQ(stats.participants, 3u);
  EXPECT_EQ(stats.messages_relayed, 2u);
  EXPECT_EQ(stats.chat_messages, 1u);
  EXPECT_EQ(stats.errors_by_code.at("unknown_peer"), 1u);
  EXPECT_EQ(stats.errors_by_code.at("bad_request"), 1u);
  EXPECT_EQ(stats.errors_by_code.at("not_in_room"), 1u);
}

}  // namespace
}  // namespace confab::meeting::testing
