#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "json/json_writer.hpp"
#include "meeting/bounded_set.hpp"
#include "meeting/participant.hpp"
#include "store/chat_message.hpp"

namespace confab::meeting {

// What the host can switch. `waiting_room` is persisted with the room; `locked` lasts while the
// room has members (an empty room cannot stay locked: nobody would be left to unlock it).
// How media flows: peer to peer (`offer`/`answer`/`ice_candidate` relayed), or through the SFU
// (the sfu_* events). A room only ever goes from mesh to sfu.
enum class RoomMode { mesh, sfu };
std::string_view to_string(RoomMode mode);

struct RoomSettings {
  bool locked = false;
  bool waiting_room = false;
};

// The members of one room in join order (so the longest-present member is first), and the
// participants waiting to be admitted. Rooms are small (capacity 16 by default), so vectors
// with linear lookup beat maps.
class Room {
 public:
  static constexpr std::size_t kRememberedVisitors = 256;

  explicit Room(std::string id) : id_(std::move(id)) {}

  const std::string& id() const { return id_; }
  bool empty() const { return members_.empty(); }
  std::size_t size() const { return members_.size(); }
  const std::vector<Participant>& members() const { return members_; }

  // nullptr when `id` is not a member. Pointers are invalidated by add/remove.
  Participant* find(const ParticipantId& id);
  const Participant* find(const ParticipantId& id) const;
  bool has_host() const;

  void add(Participant participant);
  // The removed member; nullopt if `id` was not one.
  std::optional<Participant> remove(const ParticipantId& id);

  // Participants who knocked, in knock order.
  const std::vector<Participant>& waiting() const { return waiting_; }
  const Participant* find_waiting(const ParticipantId& id) const;
  void add_waiting(Participant participant);
  std::optional<Participant> remove_waiting(const ParticipantId& id);

  RoomMode mode() const { return mode_; }
  void set_mode(RoomMode mode) { mode_ = mode; }

  RoomSettings& settings() { return settings_; }
  const RoomSettings& settings() const { return settings_; }
  const std::optional<std::string>& password_hash() const { return password_hash_; }
  void set_password_hash(std::optional<std::string> hash) { password_hash_ = std::move(hash); }

  // Token subjects the host removed: they stay out while the room lives.
  BoundedSet& removed_subjects() { return removed_subjects_; }
  // Participant ids the host denied: their knocks are refused while the room lives.
  BoundedSet& denied() { return denied_; }

  // The room's last chat messages, oldest first: the join ack's `chat`. Loaded from the store
  // when the room opens and kept up to date by the chat, so a join reads no database.
  const std::vector<store::ChatMessage>& recent_chat() const { return recent_chat_; }
  void set_recent_chat(std::vector<store::ChatMessage> messages) {
    recent_chat_ = std::move(messages);
  }
  // Appends a message, keeping at most `limit`.
  void remember_chat(store::ChatMessage message, std::size_t limit);
  // Drops the messages older than `cutoff_ms` (chat retention).
  void forget_chat_before(std::int64_t cutoff_ms);

 private:
  std::string id_;
  std::vector<Participant> members_;
  std::vector<Participant> waiting_;
  RoomSettings settings_;
  RoomMode mode_ = RoomMode::mesh;
  std::optional<std::string> password_hash_;
  BoundedSet removed_subjects_{kRememberedVisitors};
  BoundedSet denied_{kRememberedVisitors};
  // A vector, not a deque: libstdc++'s deque allocates ~600 bytes even when empty, and the
  // history is short (chat_history_length), so dropping the oldest is cheap.
  std::vector<store::ChatMessage> recent_chat_;
};

// `room_state` payload: {locked, waiting_room, has_password}.
void write_room_state(json::JsonWriter& out, const Room& room);

}  // namespace confab::meeting
