#include "meeting/validation.hpp"

#include <algorithm>

#include "common/utf8.hpp"
#include "meeting/error_code.hpp"

namespace confab::meeting {

namespace {

bool is_room_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

}  // namespace

void validate_room_id(std::string_view room_id) {
  if (room_id.empty() || room_id.size() > kMaxRoomIdLength ||
      !std::all_of(room_id.begin(), room_id.end(), is_room_id_char)) {
    throw RequestError(ErrorCode::invalid_room,
                       "room must be 1-64 characters of letters, digits, '_' or '-'");
  }
}

std::string validate_display_name(std::string_view raw_name) {
  const auto name = common::utf8::trim(raw_name);
  if (!name) throw RequestError(ErrorCode::invalid_name, "name is not valid UTF-8");
  if (name->empty()) throw RequestError(ErrorCode::invalid_name, "name is empty");
  if (common::utf8::count_code_points(*name) > kMaxDisplayNameLength) {
    throw RequestError(ErrorCode::invalid_name, "name is longer than 64 characters");
  }
  if (common::utf8::contains_control(*name)) {
    throw RequestError(ErrorCode::invalid_name, "name contains control characters");
  }
  if (common::utf8::contains_bidi_control(*name)) {
    throw RequestError(ErrorCode::invalid_name, "name contains direction override characters");
  }
  if (!common::utf8::has_visible(*name)) {
    throw RequestError(ErrorCode::invalid_name, "name has no visible characters");
  }
  return std::string(*name);
}

void validate_new_password(std::string_view password) {
  if (!common::utf8::is_valid(password)) {
    throw RequestError(ErrorCode::bad_request, "field 'password' is not valid UTF-8");
  }
  const std::size_t length = common::utf8::count_code_points(password);
  if (length == 0 || length > kMaxPasswordLength) {
    throw RequestError(ErrorCode::bad_request,
                       "field 'password' must be 1-128 characters, or null to remove it");
  }
}

std::string validate_chat_text(std::string_view raw_text, std::size_t max_length) {
  const auto text = common::utf8::trim(raw_text);
  if (!text) throw RequestError(ErrorCode::bad_request, "field 'text' is not valid UTF-8");
  if (text->empty()) throw RequestError(ErrorCode::too_long, "message is empty");
  if (common::utf8::count_code_points(*text) > max_length) {
    throw RequestError(ErrorCode::too_long,
                       "message is longer than " + std::to_string(max_length) + " characters");
  }
  if (common::utf8::contains_control_except_tab_and_newline(*text)) {
    throw RequestError(ErrorCode::invalid_message, "message contains control characters");
  }
  if (common::utf8::contains_bidi_control(*text)) {
    throw RequestError(ErrorCode::invalid_message,
                       "message contains direction override characters");
  }
  if (!common::utf8::has_visible(*text)) {
    throw RequestError(ErrorCode::invalid_message, "message has no visible characters");
  }
  return std::string(*text);
}

}  // namespace confab::meeting
