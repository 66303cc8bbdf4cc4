#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/clock.hpp"
#include "common/random.hpp"
#include "json/json_writer.hpp"
#include "meeting/meeting_config.hpp"
#include "meeting/participant.hpp"
#include "meeting/room.hpp"
#include "meeting/room_directory.hpp"
#include "store/store.hpp"

namespace confab::meeting {

// Chat of a room: validation, server-assigned id and timestamp, persistence, history, and
// retention (an age limit and a cap per room, so chat cannot fill the disk).
class ChatService {
 public:
  ChatService(store::Store& store, common::Clock& clock, common::RandomSource& random,
              const MeetingConfig& config);

  // Validates and stores the message, adds it to the room's recent chat and returns it for
  // broadcasting. Throws RequestError for bad text, store::StoreError if it cannot be stored.
  store::ChatMessage post(Room& room, const Participant& author, std::string_view raw_text);
  // A validated message with its id and timestamp that is neither stored nor remembered (a
  // private one).
  store::ChatMessage compose(const Participant& author, std::string_view raw_text);

  // A room's last messages from the store, oldest first: what a room that opens starts with.
  std::vector<store::ChatMessage> history(const std::string& room_id);

  // Deletes the stored messages older than the retention period and drops them from `rooms`'
  // recent chat. Returns how many were deleted from the store.
  std::size_t prune(RoomDirectory& rooms);
  // Messages deleted by retention (age and cap) since start.
  std::uint64_t pruned() const { return pruned_; }

 private:
  store::Store& store_;
  common::Clock& clock_;
  common::RandomSource& random_;
  std::size_t history_length_;
  std::size_t max_length_;
  std::int64_t retention_ms_;
  std::size_t max_per_room_;
  std::size_t trim_every_;  // posts to a room between two trims of it
  std::unordered_map<std::string, std::size_t> posts_since_trim_;
  std::uint64_t pruned_ = 0;
};

// The wire shape {id, user_id, name, text, ts}, with `to` for a private message.
void write_chat_message(json::JsonWriter& out, const store::ChatMessage& message,
                        std::string_view to = {});

}  // namespace confab::meeting
