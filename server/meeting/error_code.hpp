#pragma once
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace confab::meeting {

// The error codes of docs/protocol.md, plus internal_error for server-side failures
// (e.g. the store is unavailable) that are not the client's fault.
enum class ErrorCode {
  bad_request,
  invalid_room,
  invalid_name,
  invalid_message,
  room_full,
  not_in_room,
  unknown_peer,
  too_long,
  unknown_event,
  forbidden,
  password_required,
  wrong_password,
  invalid_token,
  token_expired,
  room_locked,
  removed,
  denied,
  rate_limited,
  too_many_attempts,
  too_many_rooms,
  server_full,
  // SFU rooms.
  wrong_mode,
  sfu_unavailable,
  unknown_transport,
  unknown_producer,
  unknown_consumer,
  source_taken,
  unsupported_codec,
  bad_rtp_parameters,
  bad_dtls_parameters,
  too_many_transports,
  internal_error,  // keep last: kErrorCodeCount counts up to it
};
inline constexpr std::size_t kErrorCodeCount =
    static_cast<std::size_t>(ErrorCode::internal_error) + 1;

std::string_view to_string(ErrorCode code);

// The abuse limit behind a refusal, counted by name on /metrics (confab_meeting_limits_total).
enum class Limit {
  none,
  password_address,    // wrong passwords from one address: backoff
  password_room,       // wrong passwords for one room: backoff
  password_hashing,    // the slow-hash budget is spent
  knocks_per_address,  // waiters from one address at one room's door
  knock_rate,          // knocks from one address on one room
  chat_rate,           // chat messages per participant
  sfu_transports,      // SFU transports a participant creates
  sfu_layers,          // sfu_consumer_layers requests per participant
};
inline constexpr std::size_t kLimitCount = 9;

std::string_view to_string(Limit limit);

// Thrown by validators and handlers; Meeting::handle turns it into an error ack. A refusal by
// an abuse limit names it, and may say when to try again (`retry_after_ms` in the ack).
class RequestError : public std::runtime_error {
 public:
  RequestError(ErrorCode code, const std::string& message, Limit limit = Limit::none,
               std::int64_t retry_after_ms = 0)
      : std::runtime_error(message), code_(code), limit_(limit), retry_after_ms_(retry_after_ms) {}
  ErrorCode code() const { return code_; }
  Limit limit() const { return limit_; }
  std::int64_t retry_after_ms() const { return retry_after_ms_; }

 private:
  ErrorCode code_;
  Limit limit_;
  std::int64_t retry_after_ms_;
};

}  // namespace confab::meeting
