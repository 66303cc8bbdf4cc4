#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/rate_limit.hpp"
#include "meeting/failure_backoff.hpp"
#include "meeting/media_router.hpp"
#include "meeting/password_hasher.hpp"
#include "meeting/turn_credentials.hpp"

namespace confab::meeting {

struct MeetingConfig {
  std::size_t room_capacity = 16;  // the app raises it when an SFU carries big rooms

  // The SFU's data plane; null: no SFU, every room stays a mesh. Must outlive the Meeting.
  MediaRouter* media_router = nullptr;
  // With a router, a room of up to `mesh_max` members is a mesh; the member after that turns
  // it into an SFU room for the rest of its life. 0: every room is an SFU room.
  std::size_t mesh_max = 4;
  // In SFU rooms each member receives the cameras of the `last_n` most recent speakers, plus
  // those it pinned; screen shares and audio are never cut. 0: every camera.
  std::size_t last_n = 9;
  std::size_t chat_history_length = 50;  // messages in the join ack
  std::size_t max_chat_length = 2000;    // code points, after trimming
  // RTCIceServer objects (STUN), passed through unchanged into the join ack.
  nlohmann::json ice_servers = nlohmann::json::array();
  // TURN with time-limited credentials; no URLs: none offered.
  TurnConfig turn;

  // Abuse limits.
  std::size_t max_rooms = 1000;                               // live rooms, server-wide
  std::size_t max_participants = 10'000;                      // members and waiters, server-wide
  std::size_t waiting_room_capacity = 50;                     // waiters per room
  common::RateLimit chat_rate{.per_second = 5, .burst = 10};  // per participant
  // sfu_create_transport per participant. Two live transports at most (a new one of a direction
  // replaces the old), but each creation costs the router: a client sets up two, and recreates
  // them after a drop now and then; a loop of creations is refused.
  common::RateLimit sfu_transport_rate{.per_second = 1.0 / 10, .burst = 8};
  // sfu_consumer_layers: a client reports each video tile's size when it changes (debounced),
  // so a relayout of a full room sends one per consumer at once; a steady stream is refused.
  common::RateLimit sfu_layers_rate{.per_second = 10, .burst = 60};
  // Wrong room passwords: backoff per client address and per room (too_many_attempts).
  BackoffPolicy password_backoff_address{.free_failures = 5,
                                         .base_delay_ms = 1000,
                                         .max_delay_ms = 300'000,
                                         .forget_after_ms = 1'800'000,
                                         .max_keys = 100'000};
  BackoffPolicy password_backoff_room{.free_failures = 20,
                                      .base_delay_ms = 1000,
                                      .max_delay_ms = 60'000,
                                      .forget_after_ms = 900'000,
                                      .max_keys = 100'000};
  // Slow password hashes (setting or first-verifying a password), server-wide: one budget for
  // addresses without recent wrong passwords, a smaller one for those with.
  common::RateLimit password_hashing{.per_second = 2, .burst = 5};
  common::RateLimit suspect_password_hashing{.per_second = 0.5, .burst = 2};
  int password_iterations = PasswordHasher::kDefaultIterations;
  // Waiting rooms: waiters from one address at one room's door, and knocks from one address
  // on one room.
  std::size_t max_knocks_per_address = 5;
  common::RateLimit knock_rate{.per_second = 1.0 / 6, .burst = 10};

  // Chat retention: messages older than this are deleted (0: kept forever), and a room keeps
  // at most this many (0: no cap).
  std::int64_t chat_retention_ms = 30LL * 24 * 3600 * 1000;
  std::size_t chat_max_per_room = 10'000;

  // HS256 key for join tokens; empty: tokens are refused.
  std::string jwt_secret;

  // Called when a handler fails for a reason that is not the client's fault (e.g. the store
  // throws); the client only gets a generic internal_error. Optional; the app logs here.
  std::function<void(std::string_view event, std::string_view what)> on_internal_error;
};

}  // namespace confab::meeting
