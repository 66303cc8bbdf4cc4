#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "json/json_writer.hpp"
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
  // Where it connects from (ClientAddresses::key_of): what per-address limits and a host's
  // deny count by.
  std::string address{};
};

// How a participant appears on the wire, written as JSON text (no DOM: a join sends these to
// the whole room).
enum class ParticipantShape {
  peer_state,  // `peer_state`: {user_id, audio, video, screen, hand}
  new_user,    // `new_user`: the peer_state fields plus name and role
  ack_entry,   // a join ack's `participants` entry: the new_user fields plus `id`
  waiter,      // `knock` and a waiting-list entry: {user_id, name}
};
void write_participant(json::JsonWriter& out, const Participant& participant,
                       ParticipantShape shape);
std::string participant_text(const Participant& participant, ParticipantShape shape);

}  // namespace confab::meeting
