#include "meeting/room.hpp"

#include <algorithm>
#include <cstddef>

namespace confab::meeting {

namespace {

auto has_id(const ParticipantId& id) {
  return [&id](const Participant& member) { return member.id == id; };
}

std::optional<Participant> take(std::vector<Participant>& from, const ParticipantId& id) {
  const auto it = std::find_if(from.begin(), from.end(), has_id(id));
  if (it == from.end()) return std::nullopt;
  Participant taken = std::move(*it);
  from.erase(it);
  return taken;
}

}  // namespace

std::string_view to_string(RoomMode mode) {
  return mode == RoomMode::sfu ? "sfu" : "mesh";
}

Participant* Room::find(const ParticipantId& id) {
  const auto it = std::find_if(members_.begin(), members_.end(), has_id(id));
  return it == members_.end() ? nullptr : &*it;
}

const Participant* Room::find(const ParticipantId& id) const {
  const auto it = std::find_if(members_.begin(), members_.end(), has_id(id));
  return it == members_.end() ? nullptr : &*it;
}

bool Room::has_host() const {
  return std::any_of(members_.begin(), members_.end(),
                     [](const Participant& member) { return member.role == Role::host; });
}

void Room::add(Participant participant) {
  members_.push_back(std::move(participant));
}

std::optional<Participant> Room::remove(const ParticipantId& id) {
  return take(members_, id);
}

const Participant* Room::find_waiting(const ParticipantId& id) const {
  const auto it = std::find_if(waiting_.begin(), waiting_.end(), has_id(id));
  return it == waiting_.end() ? nullptr : &*it;
}

void Room::add_waiting(Participant participant) {
  waiting_.push_back(std::move(participant));
}

std::optional<Participant> Room::remove_waiting(const ParticipantId& id) {
  return take(waiting_, id);
}

void Room::remember_chat(store::ChatMessage message, std::size_t limit) {
  recent_chat_.push_back(std::move(message));
  if (recent_chat_.size() > limit) {
    recent_chat_.erase(
        recent_chat_.begin(),
        recent_chat_.begin() + static_cast<std::ptrdiff_t>(recent_chat_.size() - limit));
  }
}

void Room::forget_chat_before(std::int64_t cutoff_ms) {
  std::erase_if(recent_chat_,
                [cutoff_ms](const store::ChatMessage& message) { return message.ts < cutoff_ms; });
}

void write_room_state(json::JsonWriter& out, const Room& room) {
  out.begin_object()
      .field("locked", room.settings().locked)
      .field("waiting_room", room.settings().waiting_room)
      .field("has_password", room.password_hash().has_value())
      .end_object();
}

}  // namespace confab::meeting
