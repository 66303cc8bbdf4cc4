#include "meeting/room_directory.hpp"

#include <gtest/gtest.h>

#include "meeting/error_code.hpp"

namespace confab::meeting {
namespace {

Participant member(const std::string& id, Role role = Role::guest) {
  return Participant{.id = id, .name = id, .role = role};
}

TEST(MeetingRoomDirectoryTest, TracksWhichRoomEachParticipantIsIn) {
  RoomDirectory rooms;
  rooms.add(rooms.open("r"), member("a"));
  rooms.add(rooms.open("r"), member("b"));
  rooms.add(rooms.open("s"), member("c"));
  ASSERT_NE(rooms.room_of("a"), nullptr);
  EXPECT_EQ(rooms.room_of("a")->id(), "r");
  EXPECT_EQ(rooms.room_of("a"), rooms.room_of("b"));
  EXPECT_EQ(rooms.room_of("c")->id(), "s");
  EXPECT_EQ(rooms.room_of("nobody"), nullptr);
  EXPECT_EQ(rooms.room_count(), 2u);
  EXPECT_EQ(rooms.participant_count(), 3u);
}

TEST(MeetingRoomDirectoryTest, RemoveKeepsTheRoomUntilDropped) {
  RoomDirectory rooms;
  Room& room = rooms.open("r");
  rooms.add(room, member("a"));
  rooms.add(room, member("b"));
  ASSERT_TRUE(rooms.remove(room, "a"));
  EXPECT_EQ(room.size(), 1u);
  EXPECT_EQ(room.members().front().id, "b");
  EXPECT_EQ(rooms.room_of("a"), nullptr);
  EXPECT_FALSE(rooms.remove(room, "a"));  // twice is harmless
  ASSERT_TRUE(rooms.remove(room, "b"));
  EXPECT_EQ(rooms.room_count(), 1u);
  rooms.drop(room);
  EXPECT_EQ(rooms.room_count(), 0u);
  EXPECT_EQ(rooms.find("r"), nullptr);
}

TEST(MeetingRoomDirectoryTest, WaitersAreIndexedApartFromMembers) {
  RoomDirectory rooms;
  Room& room = rooms.open("r");
  rooms.add(room, member("host", Role::host));
  rooms.add_waiting(room, member("w"));
  EXPECT_EQ(rooms.room_of("w"), nullptr);
  EXPECT_EQ(rooms.waiting_room_of("w"), &room);
  EXPECT_EQ(rooms.participant_count(), 1u);
  EXPECT_EQ(rooms.waiting_count(), 1u);
  rooms.remove(room, "host");
  rooms.drop(room);
  EXPECT_EQ(rooms.waiting_room_of("w"), nullptr);
  EXPECT_EQ(rooms.waiting_count(), 0u);
}

TEST(MeetingRoomDirectoryTest, JoinedRoomThrowsNotInRoom) {
  RoomDirectory rooms;
  rooms.add_waiting(rooms.open("r"), member("a"));
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
  EXPECT_EQ(room.remove("b")->id, "b");
  ASSERT_EQ(room.size(), 2u);
  EXPECT_EQ(room.members()[0].id, "a");
  EXPECT_EQ(room.members()[1].id, "c");
  EXPECT_NE(room.find("c"), nullptr);
  EXPECT_EQ(room.find("b"), nullptr);
  EXPECT_FALSE(room.has_host());
  room.find("c")->role = Role::host;
  EXPECT_TRUE(room.has_host());
}

TEST(MeetingBoundedSetTest, ForgetsTheOldestBeyondCapacity) {
  BoundedSet set(2);
  set.insert("a");
  set.insert("b");
  set.insert("a");  // no duplicate, no reordering
  set.insert("c");
  EXPECT_FALSE(set.contains("a"));
  EXPECT_TRUE(set.contains("b"));
  EXPECT_TRUE(set.contains("c"));
  EXPECT_EQ(set.size(), 2u);
}

}  // namespace
}  // namespace confab::meeting
