#include "meeting/error_code.hpp"

#include <array>

namespace confab::meeting {

namespace {

// Indexed by ErrorCode; a code added to the enum without a name here fails the build.
constexpr std::array<std::string_view, kErrorCodeCount> kNames = {
    "bad_request",
    "invalid_room",
    "invalid_name",
    "invalid_message",
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
    "too_many_attempts",
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
    "too_many_transports",
    "internal_error",
};

constexpr bool all_named() {
  for (const auto name : kNames) {
    if (name.empty()) return false;
  }
  return true;
}
static_assert(all_named(), "every ErrorCode needs its name in kNames");
static_assert(kNames[static_cast<std::size_t>(ErrorCode::invalid_message)] == "invalid_message");
static_assert(kNames[static_cast<std::size_t>(ErrorCode::too_many_attempts)] ==
              "too_many_attempts");
static_assert(kNames[static_cast<std::size_t>(ErrorCode::wrong_mode)] == "wrong_mode");
static_assert(kNames[static_cast<std::size_t>(ErrorCode::too_many_transports)] ==
              "too_many_transports");
static_assert(kNames[static_cast<std::size_t>(ErrorCode::internal_error)] == "internal_error");

}  // namespace

std::string_view to_string(ErrorCode code) {
  const auto index = static_cast<std::size_t>(code);
  return index < kNames.size() ? kNames[index] : "internal_error";
}

std::string_view to_string(Limit limit) {
  switch (limit) {
    case Limit::none:
      return "none";
    case Limit::password_address:
      return "password_address";
    case Limit::password_room:
      return "password_room";
    case Limit::password_hashing:
      return "password_hashing";
    case Limit::knocks_per_address:
      return "knocks_per_address";
    case Limit::knock_rate:
      return "knock_rate";
    case Limit::chat_rate:
      return "chat_rate";
    case Limit::sfu_transports:
      return "sfu_transports";
    case Limit::sfu_layers:
      return "sfu_layers";
  }
  return "none";
}

}  // namespace confab::meeting
