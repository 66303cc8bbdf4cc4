#include <gtest/gtest.h>

#include "store/sqlite_store.hpp"
#include "store/tests/temp_dir.hpp"

namespace confab::store {
namespace {

TEST(SqliteRoomTest, MissingRoomIsEmpty) {
  auto store = SqliteStore::open_in_memory();
  EXPECT_EQ(store.get_room("nowhere"), std::nullopt);
}

TEST(SqliteRoomTest, RoomRoundTripWithAndWithoutPassword) {
  auto store = SqliteStore::open_in_memory();
  const RoomRecord locked{.id = "board",
                          .created_at = 1'700'000'000'000,
                          .settings = {{"locked", true}, {"capacity", 8}},
                          .password_hash = "$argon2id$v=19$hash"};
  const RoomRecord open{.id = "lobby", .created_at = 42};
  store.put_room(locked);
  store.put_room(open);
  EXPECT_EQ(store.get_room("board"), locked);
  EXPECT_EQ(store.get_room("lobby"), open);
  EXPECT_EQ(store.get_room("lobby")->password_hash, std::nullopt);
}

TEST(SqliteRoomTest, PutUpdatesSettingsButKeepsCreationTime) {
  auto store = SqliteStore::open_in_memory();
  store.put_room({.id = "r", .created_at = 100, .settings = {{"locked", false}}});
  store.put_room(
      {.id = "r", .created_at = 999, .settings = {{"locked", true}}, .password_hash = "hash"});
  const auto room = store.get_room("r");
  ASSERT_TRUE(room.has_value());
  EXPECT_EQ(room->created_at, 100);
  EXPECT_EQ(room->settings, nlohmann::json({{"locked", true}}));
  EXPECT_EQ(room->password_hash, "hash");
}

TEST(SqliteRoomTest, PasswordHashCanBeRemoved) {
  auto store = SqliteStore::open_in_memory();
  store.put_room(
      {.id = "r", .created_at = 1, .password_hash = "pbkdf2-sha256$1$c2FsdA==$aGFzaA=="});
  store.put_room({.id = "r", .created_at = 1, .settings = {{"waiting_room", true}}});
  const auto room = store.get_room("r");
  ASSERT_TRUE(room.has_value());
  EXPECT_EQ(room->password_hash, std::nullopt);
  EXPECT_EQ(room->settings, nlohmann::json({{"waiting_room", true}}));
}

TEST(SqliteRoomTest, RoomsPersistAcrossReopening) {
  testing::TempDir dir;
  const RoomRecord record{.id = "kept", .created_at = 7, .settings = {{"topic", "日本語"}}};
  { SqliteStore(dir.path()).put_room(record); }
  EXPECT_EQ(SqliteStore(dir.path()).get_room("kept"), record);
}

}  // namespace
}  // namespace confab::store
