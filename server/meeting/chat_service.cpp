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

store::ChatMessage ChatService::post(const std::string& room_id, const Participant& author,
                                     std::string_view raw_text) {
  store::ChatMessage message{.id = random_token(random_, kMessageIdLength),
                             .room = room_id,
                             .user_id = author.id,
                             .name = author.name,
                             .text = validate_chat_text(raw_text, max_length_),
                             .ts = clock_.now_ms()};
  store_.append_message(message);
  return message;
}

nlohmann::json ChatService::history(const std::string& room_id) {
  auto history = nlohmann::json::array();
  for (const auto& message : store_.recent_messages(room_id, history_length_)) {
    history.push_back(chat_message_payload(message));
  }
  return history;
}

nlohmann::json chat_message_payload(const store::ChatMessage& message) {
  return nlohmann::json{{"id", message.id},
                        {"user_id", message.user_id},
                        {"name", message.name},
                        {"text", message.text},
                        {"ts", message.ts}};
}

}  // namespace confab::meeting
