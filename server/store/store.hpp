#pragma once
// Storage port: SQLite today, PostgreSQL later. Implementations throw StoreError.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "store/chat_message.hpp"
#include "store/room_record.hpp"
#include "store/store_error.hpp"

namespace confab::store {

class Store {
 public:
  virtual ~Store() = default;

  virtual void append_message(const ChatMessage& message) = 0;
  // The last `limit` messages of `room`, oldest first.
  virtual std::vector<ChatMessage> recent_messages(std::string_view room, std::size_t limit) = 0;
  // Deletes every message older than `before_ts` (ms since the epoch); returns how many.
  virtual std::size_t delete_messages_before(std::int64_t before_ts) = 0;
  // Deletes all but the newest `keep` messages of `room`; returns how many.
  virtual std::size_t trim_messages(std::string_view room, std::size_t keep) = 0;

  virtual std::optional<RoomRecord> get_room(std::string_view id) = 0;
  // Insert or update; an existing room keeps its original created_at.
  virtual void put_room(const RoomRecord& room) = 0;
};

}  // namespace confab::store
