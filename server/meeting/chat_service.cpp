#include "meeting/chat_service.hpp"

#include <algorithm>

#include "common/random.hpp"
#include "meeting/validation.hpp"

namespace confab::meeting {

namespace {
constexpr std::size_t kMessageIdLength = 16;  // ~82 random bits: collisions are not a concern
// Trimming a room walks up to its cap in the index (milliseconds at 10k), so it runs once per
// 1% of the cap (at most every 100 posts): a room holds at most ~1.01x its cap.
constexpr std::size_t kTrimsPerCap = 100;
constexpr std::size_t kMaxTrimInterval = 100;
}  // namespace

ChatService::ChatService(store::Store& store, common::Clock& clock, common::RandomSource& random,
                         const MeetingConfig& config)
    : store_(store),
      clock_(clock),
      random_(random),
      history_length_(config.chat_history_length),
      max_length_(config.max_chat_length),
      retention_ms_(config.chat_retention_ms),
      max_per_room_(config.chat_max_per_room),
      trim_every_(std::clamp<std::size_t>(max_per_room_ / kTrimsPerCap, 1, kMaxTrimInterval)) {}

store::ChatMessage ChatService::compose(const Participant& author, std::string_view raw_text) {
  return store::ChatMessage{.id = common::random_token(random_, kMessageIdLength),
                            .room = {},
                            .user_id = author.id,
                            .name = author.name,
                            .text = validate_chat_text(raw_text, max_length_),
                            .ts = clock_.now_ms()};
}

store::ChatMessage ChatService::post(Room& room, const Participant& author,
                                     std::string_view raw_text) {
  store::ChatMessage message = compose(author, raw_text);
  message.room = room.id();
  store_.append_message(message);  // first: a message the store refused is not shown either
  if (max_per_room_ > 0 && ++posts_since_trim_[room.id()] >= trim_every_) {
    posts_since_trim_.erase(room.id());
    pruned_ += store_.trim_messages(room.id(), max_per_room_);
  }
  room.remember_chat(
      message, max_per_room_ > 0 ? std::min(history_length_, max_per_room_) : history_length_);
  return message;
}

std::size_t ChatService::prune(RoomDirectory& rooms) {
  // Forgets the counts of rooms that stopped posting (a room loses at most one interval).
  posts_since_trim_.clear();
  if (retention_ms_ <= 0) return 0;
  const std::int64_t cutoff = clock_.now_ms() - retention_ms_;
  const std::size_t deleted = store_.delete_messages_before(cutoff);
  pruned_ += deleted;
  rooms.for_each([cutoff](Room& room) { room.forget_chat_before(cutoff); });
  return deleted;
}

std::vector<store::ChatMessage> ChatService::history(const std::string& room_id) {
  return store_.recent_messages(room_id, history_length_);
}

void write_chat_message(json::JsonWriter& out, const store::ChatMessage& message,
                        std::string_view to) {
  out.begin_object()
      .field("id", message.id)
      .field("user_id", message.user_id)
      .field("name", message.name)
      .field("text", message.text)
      .field("ts", message.ts);
  if (!to.empty()) out.field("to", to);
  out.end_object();
}

}  // namespace confab::meeting
