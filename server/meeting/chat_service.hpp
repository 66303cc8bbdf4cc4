#pragma once
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "meeting/clock.hpp"
#include "meeting/meeting_config.hpp"
#include "meeting/participant.hpp"
#include "meeting/random_source.hpp"
#include "store/store.hpp"

namespace confab::meeting {

// Chat of a room: validation, server-assigned id and timestamp, persistence, history.
class ChatService {
 public:
  ChatService(store::Store& store, Clock& clock, RandomSource& random, const MeetingConfig& config);

  // Validates and stores the message and returns it for broadcasting.
  // Throws RequestError for bad text, store::StoreError if it cannot be stored.
  store::ChatMessage post(const std::string& room_id, const Participant& author,
                          std::string_view raw_text);

  // The join ack's `chat`: the room's last messages, oldest first.
  nlohmann::json history(const std::string& room_id);

 private:
  store::Store& store_;
  Clock& clock_;
  RandomSource& random_;
  std::size_t history_length_;
  std::size_t max_length_;
};

// The wire shape {id, user_id, name, text, ts}.
nlohmann::json chat_message_payload(const store::ChatMessage& message);

}  // namespace confab::meeting
