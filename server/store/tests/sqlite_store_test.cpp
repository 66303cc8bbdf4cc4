#include "store/sqlite_store.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "store/tests/temp_dir.hpp"

namespace confab::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

ChatMessage make_message(std::string id, std::string room, std::string text, std::int64_t ts = 1) {
  return ChatMessage{.id = std::move(id),
                     .room = std::move(room),
                     .user_id = "sock-1",
                     .name = "Ada",
                     .text = std::move(text),
                     .ts = ts};
}

std::vector<std::string> texts(const std::vector<ChatMessage>& messages) {
  std::vector<std::string> result;
  for (const auto& message : messages) result.push_back(message.text);
  return result;
}

// Runs a single-value query on a raw connection, to inspect what SqliteStore wrote.
std::string query_text(const std::filesystem::path& file, const char* sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr), SQLITE_OK);
  EXPECT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  std::string value = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

TEST(SqliteStoreTest, MessageRoundTrip) {
  auto store = SqliteStore::open_in_memory();
  const ChatMessage message{.id = "m1",
                            .room = "standup",
                            .user_id = "sock-1",
                            .name = "Ada",
                            .text = "hello",
                            .ts = 1'700'000'000'123};
  store.append_message(message);
  EXPECT_THAT(store.recent_messages("standup", 10), ElementsAre(message));
}

TEST(SqliteStoreTest, RecentMessagesAreTheLastOnesOldestFirst) {
  auto store = SqliteStore::open_in_memory();
  for (int i = 0; i < 10; ++i) {
    // Equal timestamps: order must follow insertion, not ts.
    store.append_message(make_message("m" + std::to_string(i), "r", "t" + std::to_string(i), 5));
  }
  EXPECT_THAT(texts(store.recent_messages("r", 3)), ElementsAre("t7", "t8", "t9"));
  EXPECT_EQ(store.recent_messages("r", 100).size(), 10u);
  EXPECT_EQ(store.recent_messages("r", 100).front().text, "t0");
  EXPECT_THAT(store.recent_messages("r", 0), IsEmpty());
}

TEST(SqliteStoreTest, RoomsAreIsolated) {
  auto store = SqliteStore::open_in_memory();
  store.append_message(make_message("a1", "alpha", "for alpha"));
  store.append_message(make_message("b1", "beta", "for beta"));
  store.append_message(make_message("a2", "alpha", "alpha again"));
  EXPECT_THAT(texts(store.recent_messages("alpha", 10)), ElementsAre("for alpha", "alpha again"));
  EXPECT_THAT(texts(store.recent_messages("beta", 10)), ElementsAre("for beta"));
  EXPECT_THAT(store.recent_messages("gamma", 10), IsEmpty());
}

TEST(SqliteStoreTest, HistorySurvivesReopeningTheFile) {
  testing::TempDir dir;
  {
    SqliteStore store(dir.path());
    store.append_message(make_message("m1", "r", "before restart"));
  }
  SqliteStore reopened(dir.path());
  EXPECT_THAT(texts(reopened.recent_messages("r", 50)), ElementsAre("before restart"));
  reopened.append_message(make_message("m2", "r", "after restart"));
  EXPECT_THAT(texts(reopened.recent_messages("r", 50)),
              ElementsAre("before restart", "after restart"));
}

TEST(SqliteStoreTest, UnicodeAndEmbeddedNulSurvive) {
  auto store = SqliteStore::open_in_memory();
  const std::string text = "你好，世界 👋🏽 — ñandú " + std::string("a\0b", 3);
  auto message = make_message("m1", "r", text);
  message.name = "Zoë 李";
  store.append_message(message);
  const auto stored = store.recent_messages("r", 1);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].text, text);
  EXPECT_EQ(stored[0].name, "Zoë 李");
}

TEST(SqliteStoreTest, DuplicateMessageIdIsAClearError) {
  auto store = SqliteStore::open_in_memory();
  store.append_message(make_message("same", "r", "one"));
  EXPECT_THROW(store.append_message(make_message("same", "r", "two")), StoreError);
  // The failed insert must not poison the reused statement.
  store.append_message(make_message("other", "r", "three"));
  EXPECT_THAT(texts(store.recent_messages("r", 10)), ElementsAre("one", "three"));
}

TEST(SqliteStoreTest, CreatesMissingDataDirectoryAndUsesWal) {
  testing::TempDir dir;
  const auto data_dir = dir.path() / "nested" / "data";
  { SqliteStore store(data_dir); }
  ASSERT_TRUE(std::filesystem::exists(data_dir / "confab.db"));
  EXPECT_EQ(query_text(data_dir / "confab.db", "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(query_text(data_dir / "confab.db", "PRAGMA user_version"), "2");
}

std::filesystem::perms mode_of(const std::filesystem::path& path) {
  return std::filesystem::status(path).permissions() & std::filesystem::perms::all;
}

// A umask that would leave files world-readable, for the duration of a test.
class PermissiveUmask {
 public:
  PermissiveUmask() : old_(::umask(022)) {}
  ~PermissiveUmask() { ::umask(old_); }
  PermissiveUmask(const PermissiveUmask&) = delete;
  PermissiveUmask& operator=(const PermissiveUmask&) = delete;

 private:
  mode_t old_;
};

TEST(SqliteStoreTest, DataDirectoryAndDatabaseFilesAreTheOwnersAlone) {
  PermissiveUmask umask;
  testing::TempDir dir;
  const auto data_dir = dir.path() / "data";
  {
    SqliteStore store(data_dir);
    store.append_message(make_message("m1", "r", "secret plans"));  // the WAL is written
    for (const char* name : {"confab.db", "confab.db-wal", "confab.db-shm"}) {
      ASSERT_TRUE(std::filesystem::exists(data_dir / name)) << name;
      EXPECT_EQ(mode_of(data_dir / name),
                std::filesystem::perms::owner_read | std::filesystem::perms::owner_write)
          << name;
    }
  }
  EXPECT_EQ(mode_of(data_dir), std::filesystem::perms::owner_all);
}

TEST(SqliteStoreTest, AWorldReadableDatabaseIsTightenedOnOpen) {
  PermissiveUmask umask;
  testing::TempDir dir;
  { SqliteStore store(dir.path()); }
  std::filesystem::permissions(dir.path() / "confab.db", std::filesystem::perms::others_read,
                               std::filesystem::perm_options::add);
  SqliteStore store(dir.path());
  EXPECT_EQ(mode_of(dir.path() / "confab.db"),
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST(SqliteStoreTest, DeletesMessagesOlderThanACutoff) {
  auto store = SqliteStore::open_in_memory();
  store.append_message(make_message("a", "r", "old", 100));
  store.append_message(make_message("b", "s", "old elsewhere", 199));
  store.append_message(make_message("c", "r", "new", 200));
  EXPECT_EQ(store.delete_messages_before(200), 2u);
  EXPECT_THAT(texts(store.recent_messages("r", 10)), ElementsAre("new"));
  EXPECT_THAT(store.recent_messages("s", 10), IsEmpty());
  EXPECT_EQ(store.delete_messages_before(200), 0u);
}

TEST(SqliteStoreTest, TrimKeepsTheNewestMessagesOfOneRoom) {
  auto store = SqliteStore::open_in_memory();
  for (int i = 1; i <= 5; ++i) {
    store.append_message(make_message("r" + std::to_string(i), "r", std::to_string(i)));
    store.append_message(make_message("s" + std::to_string(i), "s", std::to_string(i)));
  }
  EXPECT_EQ(store.trim_messages("r", 2), 3u);
  EXPECT_THAT(texts(store.recent_messages("r", 10)), ElementsAre("4", "5"));
  EXPECT_EQ(store.recent_messages("s", 10).size(), 5u);  // other rooms keep theirs
  EXPECT_EQ(store.trim_messages("r", 2), 0u);
  EXPECT_EQ(store.trim_messages("r", 10), 0u);
  EXPECT_EQ(store.trim_messages("r", 0), 2u);
}

TEST(SqliteStoreTest, DataDirBelowAFileIsAClearError) {
  testing::TempDir dir;
  const auto file = dir.path() / "plain-file";
  std::ofstream(file) << "not a directory";
  try {
    SqliteStore store(file / "data");
    FAIL() << "expected StoreError";
  } catch (const StoreError& error) {
    EXPECT_THAT(error.what(), HasSubstr("cannot use data directory"));
    EXPECT_THAT(error.what(), HasSubstr("plain-file"));
  }
  EXPECT_THROW(SqliteStore{file}, StoreError);
}

TEST(SqliteStoreTest, UnopenableDatabaseFileIsAClearError) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.path() / "confab.db");  // a directory in the way
  try {
    SqliteStore store(dir.path());
    FAIL() << "expected StoreError";
  } catch (const StoreError& error) {
    EXPECT_THAT(error.what(), HasSubstr("cannot open database"));
    EXPECT_THAT(error.what(), HasSubstr("confab.db"));
  }
}

TEST(SqliteStoreTest, NewerSchemaVersionIsRefused) {
  testing::TempDir dir;
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir.path() / "confab.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  try {
    SqliteStore store(dir.path());
    FAIL() << "expected StoreError";
  } catch (const StoreError& error) {
    EXPECT_THAT(error.what(), HasSubstr("newer"));
  }
}

TEST(SqliteStoreTest, MovedStoreKeepsWorking) {
  auto original = SqliteStore::open_in_memory();
  original.append_message(make_message("m1", "r", "kept"));
  SqliteStore moved = std::move(original);
  EXPECT_THAT(texts(moved.recent_messages("r", 5)), ElementsAre("kept"));
}

}  // namespace
}  // namespace confab::store
