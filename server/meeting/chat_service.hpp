#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "json/json_writer.hpp"
#include "meeting/clock.hpp"
#include "meeting/meeting_config.hpp"
#include "meeting/participant.hpp"
#include "meeting/random_source.hpp"
#include "meeting/room.hpp"
#include "store/store.hpp"

namespace confab::meeting {

// Chat of a room: validation, server-assigned id and timestamp, persistence, history.
class ChatService {
 public:
  ChatService(store::Store& store, Clock& clock, RandomSource& random, const MeetingConfig& config);

  // Validates and stores the message, adds it to the room's recent chat and returns it for
  // broadcasting. Throws RequestError for bad text, store::StoreError if it cannot be stored.
  store::ChatMessage post(Room& room, const Participant& author, std::string_view raw_text);

  // A room's last messages from the store, oldest first: what a room that opens starts with.
  std::vector<store::ChatMessage> history(const std::string& room_id);

 private:
  store::Store& store_;
  Clock& clock_;
  RandomSource& random_;
  std::size_t history_length_;
  std::size_t max_length_;
};

// The wire shape {id, user_id, name, text, ts}.
void write_chat_message(json::JsonWriter& out, const store::ChatMessage& message);

}  // namespace confab::meeting
