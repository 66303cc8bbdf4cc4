#pragma once
#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "meeting/media_router.hpp"
#include "meeting/password_hasher.hpp"
#include "meeting/token_bucket.hpp"
#include "meeting/turn_credentials.hpp"

namespace confab::meeting {

struct MeetingConfig {
  std::size_t room_capacity = 16;  // the app raises it when an SFU carries big rooms

  // The SFU's data plane; null: no SFU, every room stays a mesh. Must outlive the Meeting.
  MediaRouter* media_router = nullptr;
  // With a router, a room of up to `mesh_max` members is a mesh; the member after that turns
  // it into an SFU room for the rest of its life. 0: every room is an SFU room.
  std::size_t mesh_max = 4;
  std::size_t chat_history_length = 50;  // messages in the join ack
  std::size_t max_chat_length = 2000;    // code points, after trimming
  // RTCIceServer objects (STUN), passed through unchanged into the join ack.
  nlohmann::json ice_servers = nlohmann::json::array();
  // TURN with time-limited credentials; no URLs: none offered.
  TurnConfig turn;

  // Abuse limits.
  std::size_t max_rooms = 1000;                                // live rooms, server-wide
  std::size_t max_participants = 10'000;                       // members and waiters, server-wide
  std::size_t waiting_room_capacity = 50;                      // waiters per room
  RateLimit chat_rate{.per_second = 5, .burst = 10};           // per participant
  RateLimit password_attempts{.per_second = 0.5, .burst = 5};  // per participant
  // Slow password hashes (setting or first-verifying a password), server-wide.
  RateLimit password_hashing{.per_second = 2, .burst = 5};
  int password_iterations = PasswordHasher::kDefaultIterations;

  // HS256 key for join tokens; empty: tokens are refused.
  std::string jwt_secret;

  // Called when a handler fails for a reason that is not the client's fault (e.g. the store
  // throws); the client only gets a generic internal_error. Optional; the app logs here.
  std::function<void(std::string_view event, std::string_view what)> on_internal_error;
};

}  // namespace confab::meeting
