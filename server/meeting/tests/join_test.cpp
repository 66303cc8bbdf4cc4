#include <gmock/gmock.h>

#include "meeting/tests/meeting_fixture.hpp"

namespace confab::meeting::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::UnorderedElementsAre;

using MeetingJoinTest = MeetingTest;

TEST_F(MeetingJoinTest, AckDescribesRoomSelfAndOthers) {
  join_quietly("a", "standup");
  const auto ack = call("b", "join_room", {{"room", "standup"}, {"name", "Bea"}, {"video", false}});
  EXPECT_EQ(ack["ok"], true);
  EXPECT_EQ(ack["self_id"], "b");
  EXPECT_EQ(ack["room"], "standup");
  EXPECT_EQ(ack["name"], "Bea");
  EXPECT_EQ(ack["role"], "guest");
  EXPECT_EQ(ack["participants"], json::array({{{"id", "a"},
                                               {"user_id", "a"},
                                               {"name", "a"},
                                               {"role", "host"},
                                               {"audio", true},
                                               {"video", true},
                                               {"screen", false},
                                               {"hand", false}}}));
  EXPECT_EQ(ack["chat"], json::array());
  EXPECT_EQ(ack["ice_servers"], config.ice_servers);
}

TEST_F(MeetingJoinTest, FirstMemberOfAnEmptyRoomIsHost) {
  EXPECT_EQ(join("a", "r")["role"], "host");
  EXPECT_EQ(join("b", "r")["role"], "guest");
  EXPECT_EQ(join("c", "other")["role"], "host");
}

TEST_F(MeetingJoinTest, NewUserGoesToExactlyTheOtherMembers) {
  join_quietly("a", "r");
  join_quietly("b", "r");
  join_quietly("x", "elsewhere");
  call("c", "join_room", {{"room", "r"}, {"name", "Cy"}, {"audio", false}});
  EXPECT_THAT(outbox.recipients_of("new_user"), UnorderedElementsAre("a", "b"));
  ASSERT_EQ(outbox.sent.size(), 2u);
  EXPECT_EQ(outbox.sent[0].data, json({{"user_id", "c"},
                                       {"name", "Cy"},
                                       {"role", "guest"},
                                       {"audio", false},
                                       {"video", true},
                                       {"screen", false},
                                       {"hand", false}}));
}

TEST_F(MeetingJoinTest, CapacityIsEnforced) {
  config.room_capacity = 2;
  join_quietly("a", "r");
  join_quietly("b", "r");
  const auto ack = join("c", "r");
  EXPECT_EQ(error_code(ack), "room_full");
  EXPECT_THAT(outbox.sent, IsEmpty());
  EXPECT_EQ(meeting().stats().participants, 2u);

  call("b", "leave_room", json::object());
  EXPECT_EQ(error_code(join("c", "r")), "ok");
}

TEST_F(MeetingJoinTest, FailedJoinOfAFullRoomKeepsTheOldRoom) {
  config.room_capacity = 1;
  join_quietly("a", "full");
  join_quietly("b", "home");
  EXPECT_EQ(error_code(join("b", "full")), "room_full");
  EXPECT_THAT(outbox.sent, IsEmpty());
  EXPECT_EQ(error_code(call("b", "message", {{"text", "still home"}})), "ok");
}

TEST_F(MeetingJoinTest, RejoiningTheSameRoomReturnsStateWithoutDuplicate) {
  join_quietly("a", "r");
  join_quietly("b", "r");
  const auto ack = join("a", "r");
  EXPECT_EQ(ack["ok"], true);
  EXPECT_EQ(ack["role"], "host");
  ASSERT_EQ(ack["participants"].size(), 1u);
  EXPECT_EQ(ack["participants"][0]["id"], "b");
  EXPECT_THAT(outbox.sent, IsEmpty());
  EXPECT_EQ(meeting().stats().participants, 2u);
  EXPECT_EQ(join("b", "r")["participants"].size(), 1u);
}

TEST_F(MeetingJoinTest, JoiningAnotherRoomLeavesTheOldOne) {
  join_quietly("a", "one");
  join_quietly("b", "one");
  join_quietly("c", "two");
  const auto ack = join("a", "two");
  EXPECT_EQ(ack["role"], "guest");
  ASSERT_EQ(outbox.sent.size(), 3u);
  EXPECT_EQ(outbox.sent[0].to, "b");
  EXPECT_EQ(outbox.sent[0].event, "user_left");
  EXPECT_EQ(outbox.sent[0].data, json({{"user_id", "a"}}));
  EXPECT_EQ(outbox.sent[1].to, "b");  // a was the host of "one"
  EXPECT_EQ(outbox.sent[1].event, "role_changed");
  EXPECT_EQ(outbox.sent[2].to, "c");
  EXPECT_EQ(outbox.sent[2].event, "new_user");
  EXPECT_EQ(meeting().stats().rooms, 2u);
}

TEST_F(MeetingJoinTest, LeavingTheOnlyRoomMemberDropsTheRoom) {
  join_quietly("a", "one");
  join("a", "two");
  EXPECT_EQ(meeting().stats().rooms, 1u);
  EXPECT_THAT(outbox.sent, IsEmpty());
}

TEST_F(MeetingJoinTest, ValidNamesAreTrimmed) {
  EXPECT_EQ(call("a", "join_room", {{"room", "r"}, {"name", "  Ada Lovelace \n"}})["name"],
            "Ada Lovelace");
  EXPECT_EQ(call("b", "join_room", {{"room", "r"}, {"name", "\u3000李小龙 🐉\u00a0"}})["name"],
            "李小龙 🐉");
}

TEST_F(MeetingJoinTest, NameLengthCountsCharactersNotBytes) {
  std::string longest;
  for (int i = 0; i < 64; ++i) longest += "名";  // 64 characters, 192 bytes
  EXPECT_EQ(call("a", "join_room", {{"room", "r"}, {"name", longest}})["name"], longest);
  EXPECT_EQ(error_code(call("b", "join_room", {{"room", "r"}, {"name", longest + "x"}})),
            "invalid_name");
}

TEST_F(MeetingJoinTest, InvalidNamesAreRejected) {
  for (const std::string name : {"", "   ", "\t\n", "bell\x07", "tab\there", "line\nbreak",
                                 "c1\u0085x", "del\x7f", "\xff\xfe", "bad\xc0\xaf"}) {
    const auto ack = call("a", "join_room", {{"room", "r"}, {"name", name}});
    EXPECT_EQ(error_code(ack), "invalid_name") << "name bytes: " << ::testing::PrintToString(name);
  }
  EXPECT_THAT(outbox.sent, IsEmpty());
  EXPECT_EQ(meeting().stats().participants, 0u);
}

TEST_F(MeetingJoinTest, MissingOrNullNameGetsAGuestName) {
  const auto absent = call("a", "join_room", {{"room", "r"}});
  const auto null_name = call("b", "join_room", {{"room", "r"}, {"name", nullptr}});
  EXPECT_THAT(absent["name"].get<std::string>(), MatchesRegex("Guest-[a-z0-9]{4}"));
  EXPECT_THAT(null_name["name"].get<std::string>(), MatchesRegex("Guest-[a-z0-9]{4}"));
  EXPECT_NE(absent["name"], null_name["name"]);
  EXPECT_EQ(null_name["participants"][0]["name"], absent["name"]);
}

TEST_F(MeetingJoinTest, RoomIdsAreValidated) {
  for (const std::string& room :
       std::vector<std::string>{"", "has space", "röom", "../etc", "a/b", std::string(65, 'r')}) {
    EXPECT_EQ(error_code(join("a", room)), "invalid_room") << room;
  }
  EXPECT_EQ(error_code(join("a", "Team_1-a")), "ok");
  EXPECT_EQ(error_code(join("b", std::string(64, 'r'))), "ok");
}

TEST_F(MeetingJoinTest, LeaveTellsTheRemainingMembersOnly) {
  join_quietly("a", "r");
  join_quietly("b", "r");
  join_quietly("c", "r");
  join_quietly("x", "other");
  EXPECT_EQ(call("b", "leave_room", json::object()), json({{"ok", true}}));
  EXPECT_THAT(outbox.recipients_of("user_left"), UnorderedElementsAre("a", "c"));
  ASSERT_EQ(outbox.sent.size(), 2u);
  EXPECT_EQ(outbox.sent[0].data, json({{"user_id", "b"}}));
  EXPECT_EQ(error_code(call("b", "leave_room", json::object())), "not_in_room");
}

TEST_F(MeetingJoinTest, LeaveAcceptsAMissingArgument) {
  join_quietly("a", "r");
  EXPECT_EQ(error_code(call("a", "leave_room", nullptr)), "ok");
}

TEST_F(MeetingJoinTest, DisconnectTellsTheRestAndDropsEmptyRooms) {
  join_quietly("a", "r");
  join_quietly("b", "r");
  meeting().disconnect("b");
  ASSERT_EQ(outbox.sent.size(), 1u);
  EXPECT_EQ(outbox.sent[0].to, "a");
  EXPECT_EQ(outbox.sent[0].event, "user_left");
  EXPECT_EQ(outbox.sent[0].data, json({{"user_id", "b"}}));

  outbox.clear();
  meeting().disconnect("a");
  EXPECT_THAT(outbox.sent, IsEmpty());
  EXPECT_EQ(meeting().stats().rooms, 0u);
  EXPECT_EQ(meeting().stats().participants, 0u);
  EXPECT_EQ(join("b", "r")["role"], "host");
}

TEST_F(MeetingJoinTest, DisconnectOfAStrangerIsHarmless) {
  join_quietly("a", "r");
  meeting().disconnect("never-joined");
  EXPECT_THAT(outbox.sent, IsEmpty());
  EXPECT_EQ(meeting().stats().participants, 1u);
}

TEST_F(MeetingJoinTest, NothingLeaksBetweenRooms) {
  join_quietly("a", "alpha");
  join_quietly("b", "alpha");
  join_quietly("x", "beta");
  join_quietly("y", "beta");
  join("c", "alpha");
  call("a", "message", {{"text", "alpha only"}});
  call("a", "media_state", {{"audio", false}});
  call("a", "offer", {{"other_user_id", "b"}, {"offer", {{"type", "offer"}, {"sdp", "v=0"}}}});
  call("b", "leave_room", json::object());
  meeting().disconnect("c");
  EXPECT_THAT(outbox.to("x"), IsEmpty());
  EXPECT_THAT(outbox.to("y"), IsEmpty());
  EXPECT_THAT(join("z", "beta")["participants"].size(), 2u);
  EXPECT_THAT(join("z", "beta")["chat"], IsEmpty());
}

}  // namespace
}  // namespace confab::meeting::testing
