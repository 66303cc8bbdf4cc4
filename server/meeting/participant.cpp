#include "meeting/participant.hpp"

namespace confab::meeting {

std::string_view to_string(Role role) {
  return role == Role::host ? "host" : "guest";
}

nlohmann::json peer_state_payload(const Participant& participant) {
  const MediaState& media = participant.media;
  return nlohmann::json{{"user_id", participant.id},
                        {"audio", media.audio},
                        {"video", media.video},
                        {"screen", media.screen},
                        {"hand", media.hand}};
}

nlohmann::json waiter_entry(const Participant& participant) {
  return nlohmann::json{{"user_id", participant.id}, {"name", participant.name}};
}

nlohmann::json new_user_payload(const Participant& participant) {
  auto payload = peer_state_payload(participant);
  payload["name"] = participant.name;
  payload["role"] = to_string(participant.role);
  return payload;
}

nlohmann::json participant_entry(const Participant& participant) {
  auto entry = new_user_payload(participant);
  entry["id"] = participant.id;
  return entry;
}

}  // namespace confab::meeting
