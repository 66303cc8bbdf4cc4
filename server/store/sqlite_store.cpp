#include "store/sqlite_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <mutex>
#include <system_error>

#include "store/schema.hpp"
#include "store/sqlite_handle.hpp"

namespace confab::store {

namespace {

constexpr int kBusyTimeoutMs = 5000;

constexpr auto kOwnerOnly =
    std::filesystem::perms::owner_read | std::filesystem::perms::owner_write;

std::filesystem::path prepare_data_dir(const std::filesystem::path& data_dir) {
  std::error_code error;
  const bool created = std::filesystem::create_directories(data_dir, error);
  if (!error && created) {
    std::filesystem::permissions(data_dir, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, error);
  }
  if (error || !std::filesystem::is_directory(data_dir)) {
    const std::string reason = error ? error.message() : "not a directory";
    throw StoreError("cannot use data directory '" + data_dir.string() + "': " + reason);
  }
  const auto path = data_dir / SqliteStore::kFileName;
  // Created here with 0600 rather than by SQLite with 0644: SQLite gives the -wal and -shm
  // files the database file's mode.
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, S_IRUSR | S_IWUSR);
  if (fd < 0) {
    throw StoreError("cannot open database '" + path.string() + "': " + std::strerror(errno));
  }
  ::close(fd);
  return path;
}

// Databases from before 0600 (or copied in by hand) are tightened too.
void restrict_permissions(const std::string& database_path) {
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const std::filesystem::path file = database_path + suffix;
    std::error_code error;
    if (!std::filesystem::exists(file, error)) continue;
    std::filesystem::permissions(file, kOwnerOnly, std::filesystem::perm_options::replace, error);
    if (error) {
      throw StoreError("cannot restrict permissions of '" + file.string() +
                       "': " + error.message());
    }
  }
}

sqlite::Database open_configured(const std::string& path) {
  // NOMUTEX: SqliteStore serialises access itself, so SQLite's own locking is redundant.
  auto db =
      sqlite::open_database(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX);
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
  // WAL lets readers proceed during writes; NORMAL is durable across app crashes and only
  // risks the last transactions on power loss, which is fine for chat.
  sqlite::execute(db.get(), "PRAGMA journal_mode = WAL");
  sqlite::execute(db.get(), "PRAGMA synchronous = NORMAL");
  sqlite::execute(db.get(), "PRAGMA foreign_keys = ON");
  sqlite::migrate(db.get());
  return db;
}

nlohmann::json parse_settings(const std::string& text, std::string_view room_id) {
  auto settings = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (settings.is_discarded()) {
    throw StoreError("room '" + std::string(room_id) + "' has corrupt settings JSON");
  }
  return settings;
}

std::int64_t clamp_limit(std::size_t limit) {
  constexpr auto kMax = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  return static_cast<std::int64_t>(limit < kMax ? limit : kMax);
}

}  // namespace

struct SqliteStore::Impl {
  explicit Impl(std::string database_path)
      : path(std::move(database_path)),
        db(open_configured(path)),
        insert_message(db.get(),
                       "INSERT INTO chat_messages (id, room, user_id, name, text, ts) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"),
        select_recent(db.get(),
                      "SELECT id, room, user_id, name, text, ts FROM ("
                      "  SELECT seq, id, room, user_id, name, text, ts FROM chat_messages"
                      "  WHERE room = ?1 ORDER BY seq DESC LIMIT ?2"
                      ") ORDER BY seq ASC"),
        select_room(db.get(),
                    "SELECT id, created_at, settings, password_hash FROM rooms WHERE id = ?1"),
        upsert_room(db.get(),
                    "INSERT INTO rooms (id, created_at, settings, password_hash) "
                    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (id) DO UPDATE SET "
                    "settings = excluded.settings, password_hash = excluded.password_hash"),
        delete_before(db.get(), "DELETE FROM chat_messages WHERE ts < ?1"),
        trim_room(db.get(),
                  "DELETE FROM chat_messages WHERE room = ?1 AND seq <= ("
                  "  SELECT seq FROM chat_messages WHERE room = ?1"
                  "  ORDER BY seq DESC LIMIT 1 OFFSET ?2)") {
    if (path != ":memory:") restrict_permissions(path);
  }

  std::size_t changes() const { return static_cast<std::size_t>(sqlite3_changes64(db.get())); }

  std::string path;
  std::mutex mutex;
  // Declared before the statements so they are finalized first.
  sqlite::Database db;
  sqlite::Statement insert_message;
  sqlite::Statement select_recent;
  sqlite::Statement select_room;
  sqlite::Statement upsert_room;
  sqlite::Statement delete_before;
  sqlite::Statement trim_room;
};

SqliteStore::SqliteStore(const std::filesystem::path& data_dir)
    : impl_(std::make_unique<Impl>(prepare_data_dir(data_dir).string())) {}

SqliteStore::SqliteStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

SqliteStore SqliteStore::open_in_memory() {
  return SqliteStore(std::make_unique<Impl>(":memory:"));
}

SqliteStore::~SqliteStore() = default;
SqliteStore::SqliteStore(SqliteStore&&) noexcept = default;
SqliteStore& SqliteStore::operator=(SqliteStore&&) noexcept = default;

void SqliteStore::append_message(const ChatMessage& message) {
  std::lock_guard lock(impl_->mutex);
  sqlite::Statement::Run(impl_->insert_message)
      .bind(1, message.id)
      .bind(2, message.room)
      .bind(3, message.user_id)
      .bind(4, message.name)
      .bind(5, message.text)
      .bind(6, message.ts)
      .execute();
}

std::vector<ChatMessage> SqliteStore::recent_messages(std::string_view room, std::size_t limit) {
  std::vector<ChatMessage> messages;
  if (limit == 0) return messages;
  std::lock_guard lock(impl_->mutex);
  sqlite::Statement::Run run(impl_->select_recent);
  run.bind(1, room).bind(2, clamp_limit(limit));
  while (run.step()) {
    messages.push_back(ChatMessage{.id = run.text(0),
                                   .room = run.text(1),
                                   .user_id = run.text(2),
                                   .name = run.text(3),
                                   .text = run.text(4),
                                   .ts = run.int64(5)});
  }
  return messages;
}

std::size_t SqliteStore::delete_messages_before(std::int64_t before_ts) {
  std::lock_guard lock(impl_->mutex);
  sqlite::Statement::Run(impl_->delete_before).bind(1, before_ts).execute();
  return impl_->changes();
}

std::size_t SqliteStore::trim_messages(std::string_view room, std::size_t keep) {
  std::lock_guard lock(impl_->mutex);
  sqlite::Statement::Run(impl_->trim_room).bind(1, room).bind(2, clamp_limit(keep)).execute();
  return impl_->changes();
}

std::optional<RoomRecord> SqliteStore::get_room(std::string_view id) {
  std::lock_guard lock(impl_->mutex);
  sqlite::Statement::Run run(impl_->select_room);
  run.bind(1, id);
  if (!run.step()) return std::nullopt;
  return RoomRecord{.id = run.text(0),
                    .created_at = run.int64(1),
                    .settings = parse_settings(run.text(2), id),
                    .password_hash = run.optional_text(3)};
}

void SqliteStore::put_room(const RoomRecord& room) {
  std::string settings;
  try {
    settings = room.settings.dump();
  } catch (const nlohmann::json::exception& error) {
    throw StoreError("room '" + room.id + "' settings cannot be serialised: " + error.what());
  }
  std::lock_guard lock(impl_->mutex);
  sqlite::Statement::Run(impl_->upsert_room)
      .bind(1, room.id)
      .bind(2, room.created_at)
      .bind(3, settings)
      .bind_optional(4, room.password_hash)
      .execute();
}

}  // namespace confab::store
