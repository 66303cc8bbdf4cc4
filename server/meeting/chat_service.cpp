#include "meeting/chat_service.hpp"

#include "meeting/random_token.hpp"
#include "meeting/validation.hpp"

namespace confab::meeting {

namespace {
constexpr std::size_t kMessageIdLength = 16;  // ~82 random bits: collisions are not a concern
}  // namespace

ChatService::ChatService(store::Store& store, Clock& clock, RandomSource& random,
                         const MeetingConfig& config)
    : store_(store),
      clock_(clock),
      random_(random),
      history_length_(config.chat_history_length),
      max_length_(config.max_chat_length) {}

store::ChatMessage ChatService::post(Room& room, const Participant& author,
                                     std::string_view raw_text) {
  store::ChatMessage message{.id = random_token(random_, kMessageIdLength),
                             .room = room.id(),
                             .user_id = author.id,
                             .name = author.name,
                             .text = validate_chat_text(raw_text, max_length_),
                             .ts = clock_.now_ms()};
  store_.append_message(message);  // first: a message the store refused is not shown either
  room.remember_chat(message, history_length_);
  return message;
}

std::vector<store::ChatMessage> ChatService::history(const std::string& room_id) {
  return store_.recent_messages(room_id, history_length_);
}

void write_chat_message(json::JsonWriter& out, const store::ChatMessage& message) {
  out.begin_object()
      .field("id", message.id)
      .field("user_id", message.user_id)
      .field("name", message.name)
      .field("text", message.text)
      .field("ts", message.ts)
      .end_object();
}

}  // namespace confab::meeting
