// Host controls: only a host may use them (enforced here, not just hidden in the UI), and each
// does exactly what docs/protocol.md says.
#include <gmock/gmock.h>

#include "meeting/tests/meeting_fixture.hpp"

namespace confab::meeting::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

struct HostEvent {
  const char* event;
  json payload;
};
void PrintTo(const HostEvent& e, std::ostream* os) {
  *os << e.event;
}

// Every host event with a payload that a host could successfully send (targets "b", a guest).
std::vector<HostEvent> host_events() {
  return {{"set_password", {{"password", "pw"}}},
          {"set_password", {{"password", nullptr}}},
          {"lock_room", {{"locked", true}}},
          {"set_waiting_room", {{"enabled", true}}},
          {"kick", {{"user_id", "b"}}},
          {"kick", {{"user_id", "host"}}},
          {"mute_request", {{"user_id", "b"}}},
          {"end_meeting", json::object()},
          {"admit", {{"user_id", "w"}}},
          {"deny", {{"user_id", "w"}}},
          // Malformed ones too: a guest learns nothing about validation either.
          {"kick", json::object()},
          {"lock_room", "yes"}};
}

class MeetingGuestHostEventTest : public MeetingTest,
                                  public ::testing::WithParamInterface<HostEvent> {};

TEST_P(MeetingGuestHostEventTest, GuestEmittingItByHandIsForbiddenAndChangesNothing) {
  join_quietly("host", "r");
  join_quietly("b", "r");
  join_quietly("c", "r");
  ASSERT_EQ(error_code(call("host", "set_waiting_room", {{"enabled", true}})), "ok");
  ASSERT_EQ(call("w", "join_room", {{"room", "r"}, {"name", "W"}})["waiting"], true);
  outbox.clear();
  const auto before = meeting().stats();

  const auto ack = call("c", GetParam().event, GetParam().payload);
  EXPECT_EQ(error_code(ack), "forbidden");
  EXPECT_EQ(error_message(ack), "only a host can do that");
  EXPECT_THAT(outbox.sent, IsEmpty());
  EXPECT_THAT(outbox.disconnected, IsEmpty());
  const auto after = meeting().stats();
  EXPECT_EQ(after.participants, 3u);
  EXPECT_EQ(after.waiting, 1u);
  EXPECT_EQ(after.errors_by_code.at("forbidden"), before.errors_by_code.at("forbidden") + 1);
  EXPECT_EQ(store.get_room("r")->password_hash, std::nullopt);
  // The room is as it was: unlocked, waiting room on, nobody removed.
  EXPECT_EQ(join("late", "r")["waiting"], true);
}

TEST_P(MeetingGuestHostEventTest, OutsideARoomItIsNotInRoom) {
  EXPECT_EQ(error_code(call("stranger", GetParam().event, GetParam().payload)), "not_in_room");
  EXPECT_THAT(outbox.sent, IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(AllHostEvents, MeetingGuestHostEventTest,
                         ::testing::ValuesIn(host_events()), [](const auto& info) {
                           return std::string(info.param.event) + "_" + std::to_string(info.index);
                         });

using MeetingHostControlsTest = MeetingTest;

TEST_F(MeetingHostControlsTest, LockRoomRefusesNewJoinersAndTellsTheRoom) {
  join_quietly("host", "r");
  join_quietly("b", "r");
  EXPECT_EQ(call("host", "lock_room", {{"locked", true}}), json({{"ok", true}}));
  EXPECT_THAT(outbox.recipients_of("room_state"), UnorderedElementsAre("host", "b"));
  EXPECT_EQ(outbox.sent[0].data,
            json({{"locked", true}, {"waiting_room", false}, {"has_password", false}}));
  outbox.clear();

  const auto refused = join("c", "r");
  EXPECT_EQ(error_code(refused), "room_locked");
  EXPECT_EQ(error_message(refused), "the room is locked");
  EXPECT_THAT(outbox.sent, IsEmpty());
  EXPECT_EQ(call("host", "lock_room", {{"locked", true}}), json({{"ok", true}}));
  EXPECT_THAT(outbox.sent, IsEmpty());  // no change, no announcement

  call("host", "lock_room", {{"locked", false}});
  EXPECT_EQ(error_code(join("c", "r")), "ok");
}

TEST_F(MeetingHostControlsTest, AHostTokenEntersALockedRoom) {
  join_quietly("host", "r");
  call("host", "lock_room", {{"locked", true}});
  EXPECT_EQ(error_code(call("g", "join_room", {{"room", "r"}, {"token", token("r", "Guest")}})),
            "room_locked");
  const auto ack =
      call("h2", "join_room", {{"room", "r"}, {"token", token("r", "Co-host", Role::host)}});
  EXPECT_EQ(error_code(ack), "ok");
  EXPECT_EQ(ack["role"], "host");
  EXPECT_EQ(ack["room_state"]["locked"], true);
}

TEST_F(MeetingHostControlsTest, LockLastsOnlyWhileTheRoomHasMembers) {
  join_quietly("host", "r");
  call("host", "lock_room", {{"locked", true}});
  call("host", "leave_room", json::object());
  const auto ack = join("next", "r");
  EXPECT_EQ(error_code(ack), "ok");
  EXPECT_EQ(ack["room_state"]["locked"], false);
}

TEST_F(MeetingHostControlsTest, KickTellsTheTargetRemovesItAndDropsItsConnection) {
  join_quietly("host", "r");
  join_quietly("b", "r");
  join_quietly("c", "r");
  EXPECT_EQ(call("host", "kick", {{"user_id", "b"}}), json({{"ok", true}}));
  ASSERT_EQ(outbox.sent.size(), 3u);
  EXPECT_EQ(outbox.sent[0].to, "b");
  EXPECT_EQ(outbox.sent[0].event, "kicked");
  EXPECT_EQ(outbox.sent[0].data, json({{"by", "host"}}));
  EXPECT_THAT(outbox.recipients_of("user_left"), UnorderedElementsAre("host", "c"));
  EXPECT_EQ(outbox.sent[1].data, json({{"user_id", "b"}}));
  EXPECT_THAT(outbox.disconnected, ElementsAre("b"));
  EXPECT_EQ(meeting().stats().participants, 2u);
  EXPECT_EQ(error_code(call("b", "message", {{"text", "still here?"}})), "not_in_room");
  // The gateway's disconnect then reaches the meeting: nothing more to do.
  outbox.clear();
  meeting().disconnect("b");
  EXPECT_THAT(outbox.sent, IsEmpty());
}

TEST_F(MeetingHostControlsTest, KickedParticipantCannotComeBackIntoALockedRoom) {
  join_quietly("host", "r");
  join_quietly("b", "r");
  call("host", "lock_room", {{"locked", true}});
  call("host", "kick", {{"user_id", "b"}});
  outbox.clear();
  // Same socket (had it not been dropped) or a new connection: both refused.
  EXPECT_EQ(error_code(join("b", "r")), "room_locked");
  EXPECT_EQ(error_code(call("b2", "join_room", {{"room", "r"}, {"name", "b"}})), "room_locked");
  EXPECT_THAT(outbox.sent, IsEmpty());
}

TEST_F(MeetingHostControlsTest, AKickedTokenHolderStaysOutEvenWithAHostToken) {
  join_quietly("host", "r");
  call("t", "join_room", {{"room", "r"}, {"token", token("r", "Tess", Role::host)}});
  call("host", "kick", {{"user_id", "t"}});
  const auto again =
      call("t2", "join_room", {{"room", "r"}, {"token", token("r", "Tess", Role::host)}});
  EXPECT_EQ(error_code(again), "removed");
  EXPECT_EQ(error_code(call("t3", "join_room", {{"room", "r"}, {"token", token("r", "Other")}})),
            "ok");
}

TEST_F(MeetingHostControlsTest, KickAndMuteNeedAnotherMember) {
  join_quietly("host", "r");
  join_quietly("x", "other");
  for (const auto* event : {"kick", "mute_request"}) {
    EXPECT_EQ(error_code(call("host", event, {{"user_id", "host"}})), "unknown_peer") << event;
    EXPECT_EQ(error_code(call("host", event, {{"user_id", "x"}})), "unknown_peer") << event;
    EXPECT_EQ(error_code(call("host", event, {{"user_id", 1}})), "bad_request") << event;
  }
  EXPECT_THAT(outbox.sent, IsEmpty());
  EXPECT_THAT(outbox.disconnected, IsEmpty());
}

TEST_F(MeetingHostControlsTest, MuteRequestGoesToTheTargetOnly) {
  join_quietly("host", "r");
  join_quietly("b", "r");
  join_quietly("c", "r");
  EXPECT_EQ(call("host", "mute_request", {{"user_id", "b"}}), json({{"ok", true}}));
  ASSERT_EQ(outbox.sent.size(), 1u);
  EXPECT_EQ(outbox.sent[0].to, "b");
  EXPECT_EQ(outbox.sent[0].event, "mute_request");
  EXPECT_EQ(outbox.sent[0].data, json({{"by", "host"}}));
}

TEST_F(MeetingHostControlsTest, EndMeetingRemovesEveryone) {
  join_quietly("host", "r");
  join_quietly("b", "r");
  join_quietly("c", "r");
  join_quietly("x", "other");
  call("host", "set_waiting_room", {{"enabled", true}});
  join("w", "r");
  outbox.clear();
  EXPECT_EQ(call("host", "end_meeting", nullptr), json({{"ok", true}}));
  EXPECT_THAT(outbox.recipients_of("meeting_ended"), UnorderedElementsAre("host", "b", "c"));
  EXPECT_EQ(outbox.to("b")[0].data, json({{"by", "host"}}));
  ASSERT_EQ(outbox.to("w").size(), 1u);
  EXPECT_EQ(outbox.to("w")[0].event, "denied");
  EXPECT_EQ(outbox.to("w")[0].data, json({{"reason", "meeting_ended"}}));
  EXPECT_THAT(outbox.recipients_of("user_left"), IsEmpty());
  EXPECT_THAT(outbox.to("x"), IsEmpty());
  const auto stats = meeting().stats();
  EXPECT_EQ(stats.rooms, 1u);
  EXPECT_EQ(stats.participants, 1u);
  EXPECT_EQ(stats.waiting, 0u);
  EXPECT_EQ(error_code(call("b", "message", {{"text", "hello?"}})), "not_in_room");
}

TEST_F(MeetingHostControlsTest, WhenTheHostLeavesTheLongestPresentMemberIsPromoted) {
  join_quietly("host", "r");
  join_quietly("b", "r");
  join_quietly("c", "r");
  call("host", "leave_room", json::object());
  ASSERT_EQ(outbox.sent.size(), 4u);
  EXPECT_THAT(outbox.recipients_of("role_changed"), UnorderedElementsAre("b", "c"));
  EXPECT_EQ(outbox.to("c")[1].data, json({{"user_id", "b"}, {"role", "host"}}));
  outbox.clear();
  // The new host's controls work; the other guest's don't.
  EXPECT_EQ(error_code(call("c", "lock_room", {{"locked", true}})), "forbidden");
  EXPECT_EQ(error_code(call("b", "lock_room", {{"locked", true}})), "ok");
  EXPECT_EQ(join("b", "r")["role"], "host");  // the repeated-join state says so too
}

TEST_F(MeetingHostControlsTest, NoPromotionWhileAnotherHostRemains) {
  join_quietly("host", "r");
  join_quietly("b", "r");
  call("h2", "join_room", {{"room", "r"}, {"token", token("r", "Co", Role::host)}});
  outbox.clear();
  meeting().disconnect("host");
  EXPECT_THAT(outbox.recipients_of("role_changed"), IsEmpty());
  EXPECT_EQ(error_code(call("b", "lock_room", {{"locked", true}})), "forbidden");
}

TEST_F(MeetingHostControlsTest, SetPasswordValidatesAndAnnounces) {
  join_quietly("host", "r");
  join_quietly("b", "r");
  for (const json& bad :
       {json::object(), json({{"password", ""}}), json({{"password", 5}}),
        json({{"password", std::string(129, 'x')}}), json({{"password", "\xff"}})}) {
    EXPECT_EQ(error_code(call("host", "set_password", bad)), "bad_request")
        << bad.dump(-1, ' ', true);
  }
  EXPECT_THAT(outbox.sent, IsEmpty());
  std::string longest;
  for (int i = 0; i < 128; ++i) longest += "密";
  EXPECT_EQ(error_code(call("host", "set_password", {{"password", longest}})), "ok");
  EXPECT_THAT(outbox.recipients_of("room_state"), UnorderedElementsAre("host", "b"));
  EXPECT_EQ(outbox.sent[0].data["has_password"], true);
  // Members already inside stay; newcomers need it.
  EXPECT_EQ(error_code(call("b", "message", {{"text", "still in"}})), "ok");
  EXPECT_EQ(error_code(join("c", "r")), "password_required");
  EXPECT_EQ(error_code(call("c", "join_room", {{"room", "r"}, {"password", longest}})), "ok");
}

TEST_F(MeetingHostControlsTest, SettingPasswordsIsBudgetedToo) {
  config.password_hashing = common::RateLimit{.per_second = 1, .burst = 2};
  join_quietly("host", "r");
  EXPECT_EQ(error_code(call("host", "set_password", {{"password", "a"}})), "ok");
  EXPECT_EQ(error_code(call("host", "set_password", {{"password", "b"}})), "ok");
  EXPECT_EQ(error_code(call("host", "set_password", {{"password", "c"}})), "rate_limited");
  EXPECT_EQ(error_code(call("x", "join_room", {{"room", "r"}, {"password", "b"}})), "ok");
}

TEST_F(MeetingHostControlsTest, HostEventPayloadsAreValidated) {
  join_quietly("host", "r");
  EXPECT_EQ(error_code(call("host", "lock_room", json::object())), "bad_request");
  EXPECT_EQ(error_code(call("host", "lock_room", {{"locked", "yes"}})), "bad_request");
  EXPECT_EQ(error_code(call("host", "set_waiting_room", {{"enabled", 1}})), "bad_request");
  EXPECT_EQ(error_code(call("host", "end_meeting", json::array())), "bad_request");
  EXPECT_EQ(error_code(call("host", "admit", {{"user_id", "nobody"}})), "unknown_peer");
  EXPECT_EQ(error_code(call("host", "deny", json::object())), "bad_request");
  EXPECT_THAT(outbox.sent, IsEmpty());
}

}  // namespace
}  // namespace confab::meeting::testing
