#include "store/schema.hpp"

#include <array>
#include <string>

#include "store/sqlite_handle.hpp"
#include "store/store_error.hpp"

namespace confab::store::sqlite {

namespace {

// Migration N (1-based) takes the schema from version N-1 to N. Append only; never edit.
constexpr std::array kMigrations = {
    R"sql(
      CREATE TABLE rooms (
        id            TEXT PRIMARY KEY NOT NULL,
        created_at    INTEGER NOT NULL,
        settings      TEXT NOT NULL DEFAULT '{}',
        password_hash TEXT
      );
      CREATE TABLE chat_messages (
        seq     INTEGER PRIMARY KEY,
        id      TEXT NOT NULL UNIQUE,
        room    TEXT NOT NULL,
        user_id TEXT NOT NULL,
        name    TEXT NOT NULL,
        text    TEXT NOT NULL,
        ts      INTEGER NOT NULL
      );
      CREATE INDEX chat_messages_by_room ON chat_messages (room, seq);
    )sql",
    // Chat retention deletes by age.
    R"sql(
      CREATE INDEX chat_messages_by_ts ON chat_messages (ts);
    )sql",
};

int read_user_version(sqlite3* db) {
  Statement query(db, "PRAGMA user_version");
  Statement::Run run(query);
  run.step();
  return static_cast<int>(run.int64(0));
}

}  // namespace

int latest_schema_version() {
  return static_cast<int>(kMigrations.size());
}

void migrate(sqlite3* db) {
  Transaction transaction(db);  // IMMEDIATE: two processes cannot migrate at once
  const int current = read_user_version(db);
  if (current > latest_schema_version()) {
    throw StoreError("database schema version " + std::to_string(current) +
                     " is newer than this build supports (" +
                     std::to_string(latest_schema_version()) + ")");
  }
  for (int version = current + 1; version <= latest_schema_version(); ++version) {
    execute(db, kMigrations[static_cast<std::size_t>(version - 1)]);
    execute(db, "PRAGMA user_version = " + std::to_string(version));
  }
  transaction.commit();
}

}  // namespace confab::store::sqlite
