#include "meeting/room_directory.hpp"

#include <gtest/gtest.h>

#include "meeting/error_code.hpp"

namespace confab::meeting {
namespace {

Participant member(const std::string& id) {
  return Participant{.id = id, .name = id};
}

TEST(MeetingRoomDirectoryTest, TracksWhichRoomEachParticipantIsIn) {
  RoomDirectory rooms;
  rooms.add("r", member("a"));
  rooms.add("r", member("b"));
  rooms.add("s", member("c"));
  ASSERT_NE(rooms.room_of("a"), nullptr);
  EXPECT_EQ(rooms.room_of("a")->id(), "r");
  EXPECT_EQ(rooms.room_of("a"), rooms.room_of("b"));
  EXPECT_EQ(rooms.room_of("c")->id(), "s");
  EXPECT_EQ(rooms.room_of("nobody"), nullptr);
  EXPECT_EQ(rooms.room_count(), 2u);
  EXPECT_EQ(rooms.participant_count(), 3u);
}

TEST(MeetingRoomDirectoryTest, RemoveReturnsTheRemainingRoomAndDropsEmptyOnes) {
  RoomDirectory rooms;
  rooms.add("r", member("a"));
  rooms.add("r", member("b"));
  Room* remaining = rooms.remove("a");
  ASSERT_NE(remaining, nullptr);
  EXPECT_EQ(remaining->size(), 1u);
  EXPECT_EQ(remaining->members().front().id, "b");
  EXPECT_EQ(rooms.remove("b"), nullptr);
  EXPECT_EQ(rooms.room_count(), 0u);
  EXPECT_EQ(rooms.find("r"), nullptr);
  EXPECT_EQ(rooms.remove("b"), nullptr);  // twice is harmless
}

TEST(MeetingRoomDirectoryTest, JoinedRoomThrowsNotInRoom) {
  RoomDirectory rooms;
  try {
    rooms.joined_room("a");
    FAIL() << "expected RequestError";
  } catch (const RequestError& error) {
    EXPECT_EQ(error.code(), ErrorCode::not_in_room);
  }
}

TEST(MeetingRoomTest, KeepsJoinOrderAndFindsMembers) {
  Room room("r");
  room.add(member("a"));
  room.add(member("b"));
  room.add(member("c"));
  room.remove("b");
  ASSERT_EQ(room.size(), 2u);
  EXPECT_EQ(room.members()[0].id, "a");
  EXPECT_EQ(room.members()[1].id, "c");
  EXPECT_NE(room.find("c"), nullptr);
  EXPECT_EQ(room.find("b"), nullptr);
}

}  // namespace
}  // namespace confab::meeting
