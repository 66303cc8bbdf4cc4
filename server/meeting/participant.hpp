#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "meeting/outbox.hpp"

namespace confab::meeting {

enum class Role { host, guest };
std::string_view to_string(Role role);

struct MediaState {
  bool audio = true;
  bool video = true;
  bool screen = false;
  bool hand = false;
};

struct Participant {
  ParticipantId id;
  std::string name;
  Role role = Role::guest;
  MediaState media{};
  // Who a join token says this is (its `name` claim); empty without a token. Unlike a typed
  // name it cannot be chosen freely, so it is what a kick remembers.
  std::string token_subject{};
};

// `new_user` payload: {user_id, name, role, audio, video, screen, hand}.
nlohmann::json new_user_payload(const Participant& participant);
// Join-ack entry: the new_user shape plus `id`.
nlohmann::json participant_entry(const Participant& participant);
// `knock` payload and waiting-list entry: {user_id, name}.
nlohmann::json waiter_entry(const Participant& participant);
// `peer_state` payload: {user_id, audio, video, screen, hand}.
nlohmann::json peer_state_payload(const Participant& participant);

}  // namespace confab::meeting
