#pragma once
#include <cstddef>
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
  internal_error,  // keep last: kErrorCodeCount counts up to it
};
inline constexpr std::size_t kErrorCodeCount =
    static_cast<std::size_t>(ErrorCode::internal_error) + 1;

std::string_view to_string(ErrorCode code);

// Thrown by validators and handlers; Meeting::handle turns it into an error ack.
class RequestError : public std::runtime_error {
 public:
  RequestError(ErrorCode code, const std::string& message)
      : std::runtime_error(message), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace confab::meeting
