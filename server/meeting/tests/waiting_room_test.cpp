// The waiting room: joiners knock, a host admits or denies.
#include <gmock/gmock.h>

#include "meeting/tests/meeting_fixture.hpp"

namespace confab::meeting::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

class MeetingWaitingRoomTest : public MeetingTest {
 protected:
  // "host" and guest "b" in room r, waiting room on.
  void SetUp() override {
    join_quietly("host", "r");
    join_quietly("b", "r");
    ASSERT_EQ(error_code(call("host", "set_waiting_room", {{"enabled", true}})), "ok");
    outbox.clear();
  }
  json knock(const ParticipantId& id, const std::string& room = "r") {
    return call(id, "join_room", {{"room", room}, {"name", "Knocker " + id}});
  }
};

TEST_F(MeetingWaitingRoomTest, KnockingWaitsAndTellsTheHostsOnly) {
  const auto ack = knock("w");
  EXPECT_EQ(ack, json({{"ok", true},
                       {"waiting", true},
                       {"self_id", "w"},
                       {"room", "r"},
                       {"name", "Knocker w"}}));
  ASSERT_EQ(outbox.sent.size(), 1u);
  EXPECT_EQ(outbox.sent[0].to, "host");
  EXPECT_EQ(outbox.sent[0].event, "knock");
  EXPECT_EQ(outbox.sent[0].data, json({{"user_id", "w"}, {"name", "Knocker w"}}));
  EXPECT_EQ(meeting().stats().participants, 2u);
  EXPECT_EQ(meeting().stats().waiting, 1u);
  // A waiter is not in the room: it cannot talk or signal.
  EXPECT_EQ(error_code(call("w", "message", {{"text", "let me in"}})), "not_in_room");
  EXPECT_EQ(
      error_code(call("w", "offer",
                      {{"other_user_id", "b"}, {"offer", {{"type", "offer"}, {"sdp", "x"}}}})),
      "not_in_room");
  // Knocking again just repeats the answer.
  outbox.clear();
  EXPECT_EQ(knock("w"), ack);
  EXPECT_THAT(outbox.sent, IsEmpty());
  // A host joining later sees who is waiting.
  EXPECT_EQ(
      call("h2", "join_room", {{"room", "r"}, {"token", token("r", "Co", Role::host)}})["waiting"],
      json::array({{{"user_id", "w"}, {"name", "Knocker w"}}}));
}

TEST_F(MeetingWaitingRoomTest, AdmitCompletesTheJoin) {
  knock("w");
  outbox.clear();
  EXPECT_EQ(call("host", "admit", {{"user_id", "w"}}), json({{"ok", true}}));
  EXPECT_THAT(outbox.recipients_of("new_user"), UnorderedElementsAre("host", "b"));
  EXPECT_THAT(outbox.recipients_of("knock_resolved"), ElementsAre("host"));
  EXPECT_EQ(outbox.to("host").back().data, json({{"user_id", "w"}, {"outcome", "admitted"}}));
  const auto admitted = outbox.to("w");
  ASSERT_EQ(admitted.size(), 1u);
  EXPECT_EQ(admitted[0].event, "admitted");
  const json& state = admitted[0].data;
  EXPECT_EQ(state["ok"], true);
  EXPECT_EQ(state["self_id"], "w");
  EXPECT_EQ(state["role"], "guest");
  EXPECT_EQ(state["participants"].size(), 2u);
  EXPECT_EQ(state["room_state"]["waiting_room"], true);
  EXPECT_TRUE(state.contains("chat"));
  EXPECT_TRUE(state.contains("ice_servers"));
  EXPECT_EQ(meeting().stats().participants, 3u);
  EXPECT_EQ(meeting().stats().waiting, 0u);
  EXPECT_EQ(error_code(call("w", "message", {{"text", "thanks"}})), "ok");
  EXPECT_EQ(error_code(call("host", "admit", {{"user_id", "w"}})),
            "unknown_peer");  // no longer waiting
}

TEST_F(MeetingWaitingRoomTest, DenyTurnsTheWaiterAwayForGood) {
  knock("w");
  outbox.clear();
  EXPECT_EQ(call("host", "deny", {{"user_id", "w"}}), json({{"ok", true}}));
  ASSERT_EQ(outbox.to("w").size(), 1u);
  EXPECT_EQ(outbox.to("w")[0].event, "denied");
  EXPECT_EQ(outbox.to("w")[0].data, json({{"reason", "denied"}}));
  EXPECT_EQ(outbox.to("host")[0].data, json({{"user_id", "w"}, {"outcome", "denied"}}));
  EXPECT_THAT(outbox.to("b"), IsEmpty());
  EXPECT_EQ(meeting().stats().waiting, 0u);
  const auto again = knock("w");
  EXPECT_EQ(error_code(again), "denied");
  EXPECT_EQ(error_message(again), "a host denied your request to join");
}

TEST_F(MeetingWaitingRoomTest, AdmitRespectsCapacity) {
  config.room_capacity = 3;
  restart();  // room r is gone with the old Meeting; use a fresh one
  join_quietly("host", "s");
  join_quietly("b", "s");
  call("host", "set_waiting_room", {{"enabled", true}});
  knock("w1", "s");
  knock("w2", "s");
  EXPECT_EQ(error_code(call("host", "admit", {{"user_id", "w1"}})), "ok");
  outbox.clear();
  EXPECT_EQ(error_code(call("host", "admit", {{"user_id", "w2"}})), "room_full");
  EXPECT_THAT(outbox.sent, IsEmpty());
  EXPECT_EQ(meeting().stats().waiting, 1u);  // still waiting
}

TEST_F(MeetingWaitingRoomTest, WaiterLeavingOrDisconnectingWithdrawsTheKnock) {
  knock("w1");
  knock("w2");
  outbox.clear();
  EXPECT_EQ(call("w1", "leave_room", nullptr), json({{"ok", true}}));
  meeting().disconnect("w2");
  EXPECT_THAT(outbox.recipients_of("knock_resolved"), ElementsAre("host", "host"));
  EXPECT_EQ(outbox.sent[0].data, json({{"user_id", "w1"}, {"outcome", "left"}}));
  EXPECT_EQ(meeting().stats().waiting, 0u);
}

TEST_F(MeetingWaitingRoomTest, PromotedHostHearsThePendingKnocks) {
  knock("w");
  outbox.clear();
  call("host", "leave_room", json::object());
  EXPECT_THAT(events_to("b"), ElementsAre("user_left", "role_changed", "knock"));
  EXPECT_EQ(outbox.to("b")[2].data, json({{"user_id", "w"}, {"name", "Knocker w"}}));
  EXPECT_EQ(error_code(call("b", "admit", {{"user_id", "w"}})), "ok");
}

TEST_F(MeetingWaitingRoomTest, WhenTheLastMemberLeavesWaitersAreTurnedAway) {
  knock("w");
  call("b", "leave_room", json::object());
  outbox.clear();
  meeting().disconnect("host");
  EXPECT_THAT(events_to("w"), ElementsAre("denied"));
  EXPECT_EQ(outbox.to("w")[0].data, json({{"reason", "room_empty"}}));
  EXPECT_EQ(meeting().stats().rooms, 0u);
  EXPECT_EQ(meeting().stats().waiting, 0u);
  // The waiting room setting is kept, but the first one in is the host and need not knock.
  EXPECT_EQ(knock("w")["role"], "host");
  EXPECT_EQ(knock("v")["waiting"], true);
}

TEST_F(MeetingWaitingRoomTest, TurningItOffAdmitsEveryoneWaiting) {
  knock("w1");
  knock("w2");
  outbox.clear();
  EXPECT_EQ(error_code(call("host", "set_waiting_room", {{"enabled", false}})), "ok");
  EXPECT_THAT(events_to("w1"), ElementsAre("admitted", "new_user"));
  EXPECT_THAT(events_to("w2"), ElementsAre("admitted"));
  EXPECT_EQ(meeting().stats().participants, 4u);
  EXPECT_EQ(meeting().stats().waiting, 0u);
  EXPECT_EQ(knock("w3")["role"], "guest");  // straight in
  EXPECT_EQ(store.get_room("r")->settings, json({{"waiting_room", false}}));
}

TEST_F(MeetingWaitingRoomTest, SettingIsPersistedAcrossRestarts) {
  EXPECT_EQ(store.get_room("r")->settings, json({{"waiting_room", true}}));
  restart();
  join_quietly("first", "r");
  EXPECT_EQ(knock("second")["waiting"], true);
}

TEST_F(MeetingWaitingRoomTest, LockedRoomRefusesKnocks) {
  call("host", "lock_room", {{"locked", true}});
  EXPECT_EQ(error_code(knock("w")), "room_locked");
}

TEST_F(MeetingWaitingRoomTest, WaitingListIsBounded) {
  config.waiting_room_capacity = 2;
  restart();
  join_quietly("host", "s");
  call("host", "set_waiting_room", {{"enabled", true}});
  knock("w1", "s");
  knock("w2", "s");
  const auto ack = knock("w3", "s");
  EXPECT_EQ(error_code(ack), "room_full");
  EXPECT_EQ(error_message(ack), "the waiting room is full");
}

TEST_F(MeetingWaitingRoomTest, PasswordIsCheckedBeforeKnocking) {
  call("host", "set_password", {{"password", "pw"}});
  outbox.clear();
  EXPECT_EQ(error_code(knock("w")), "password_required");
  EXPECT_THAT(outbox.sent, IsEmpty());
  EXPECT_EQ(call("w", "join_room", {{"room", "r"}, {"password", "pw"}})["waiting"], true);
}

TEST_F(MeetingWaitingRoomTest, KnockingLeavesThePreviousRoom) {
  join_quietly("x", "other");
  join_quietly("y", "other");
  EXPECT_EQ(knock("x")["waiting"], true);
  EXPECT_THAT(events_to("y"), ElementsAre("user_left", "role_changed"));
}

}  // namespace
}  // namespace confab::meeting::testing
