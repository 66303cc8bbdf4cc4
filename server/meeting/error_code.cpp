#include "meeting/error_code.hpp"

#include <array>

namespace confab::meeting {

namespace {

// Indexed by ErrorCode; a code added to the enum without a name here fails the build.
constexpr std::array<std::string_view, kErrorCodeCount> kNames = {
    "bad_request",
    "invalid_room",
    "invalid_name",
    "room_full",
    "not_in_room",
    "unknown_peer",
    "too_long",
    "unknown_event",
    "forbidden",
    "password_required",
    "wrong_password",
    "invalid_token",
    "token_expired",
    "room_locked",
    "removed",
    "denied",
    "rate_limited",
    "too_many_rooms",
    "server_full",
    "wrong_mode",
    "sfu_unavailable",
    "unknown_transport",
    "unknown_producer",
    "unknown_consumer",
    "source_taken",
    "unsupported_codec",
    "bad_rtp_parameters",
    "bad_dtls_parameters",
    "internal_error",
};

constexpr bool all_named() {
  for (const auto name : kNames) {
    if (name.empty()) return false;
  }
  return true;
}
static_assert(all_named(), "every ErrorCode needs its name in kNames");
static_assert(kNames[static_cast<std::size_t>(ErrorCode::wrong_mode)] == "wrong_mode");
static_assert(kNames[static_cast<std::size_t>(ErrorCode::internal_error)] == "internal_error");

}  // namespace

std::string_view to_string(ErrorCode code) {
  const auto index = static_cast<std::size_t>(code);
  return index < kNames.size() ? kNames[index] : "internal_error";
}

}  // namespace confab::meeting
