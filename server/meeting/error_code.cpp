#include "meeting/error_code.hpp"

namespace confab::meeting {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::bad_request:
      return "bad_request";
    case ErrorCode::invalid_room:
      return "invalid_room";
    case ErrorCode::invalid_name:
      return "invalid_name";
    case ErrorCode::invalid_message:
      return "invalid_message";
    case ErrorCode::room_full:
      return "room_full";
    case ErrorCode::not_in_room:
      return "not_in_room";
    case ErrorCode::unknown_peer:
      return "unknown_peer";
    case ErrorCode::too_long:
      return "too_long";
    case ErrorCode::unknown_event:
      return "unknown_event";
    case ErrorCode::forbidden:
      return "forbidden";
    case ErrorCode::password_required:
      return "password_required";
    case ErrorCode::wrong_password:
      return "wrong_password";
    case ErrorCode::invalid_token:
      return "invalid_token";
    case ErrorCode::token_expired:
      return "token_expired";
    case ErrorCode::room_locked:
      return "room_locked";
    case ErrorCode::removed:
      return "removed";
    case ErrorCode::denied:
      return "denied";
    case ErrorCode::rate_limited:
      return "rate_limited";
    case ErrorCode::too_many_attempts:
      return "too_many_attempts";
    case ErrorCode::too_many_rooms:
      return "too_many_rooms";
    case ErrorCode::server_full:
      return "server_full";
    case ErrorCode::internal_error:
      return "internal_error";
  }
  return "internal_error";
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
  }
  return "none";
}

}  // namespace confab::meeting
