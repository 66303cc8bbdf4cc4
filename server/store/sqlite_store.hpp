#pragma once
#include <filesystem>
#include <memory>

#include "store/store.hpp"

namespace confab::store {

// Store over one SQLite file (WAL). Thread-safe: calls are serialised internally.
class SqliteStore final : public Store {
 public:
  static constexpr const char* kFileName = "confab.db";

  // Opens or creates <data_dir>/confab.db, creating data_dir if needed (mode 0700). The
  // database and its -wal/-shm files are the owner's alone (0600), even if they existed with
  // wider permissions: they hold password hashes and chat.
  explicit SqliteStore(const std::filesystem::path& data_dir);
  // A private, non-persistent database (tests, ephemeral runs).
  static SqliteStore open_in_memory();

  ~SqliteStore() override;
  SqliteStore(SqliteStore&&) noexcept;
  SqliteStore& operator=(SqliteStore&&) noexcept;  // a moved-from store must not be used

  void append_message(const ChatMessage& message) override;
  std::vector<ChatMessage> recent_messages(std::string_view room, std::size_t limit) override;
  std::size_t delete_messages_before(std::int64_t before_ts) override;
  std::size_t trim_messages(std::string_view room, std::size_t keep) override;
  std::optional<RoomRecord> get_room(std::string_view id) override;
  void put_room(const RoomRecord& room) override;

 private:
  struct Impl;
  explicit SqliteStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace confab::store
