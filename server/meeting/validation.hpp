#pragma once
// Validators for user-supplied text; each throws RequestError with the protocol's code.
#include <cstddef>
#include <string>
#include <string_view>

namespace confab::meeting {

inline constexpr std::size_t kMaxRoomIdLength = 64;
inline constexpr std::size_t kMaxDisplayNameLength = 64;  // code points
inline constexpr std::size_t kMaxPasswordLength = 128;    // code points, for set_password
inline constexpr std::size_t kMaxPasswordBytes = 1024;    // what join_room accepts at all

// 1..64 characters of [A-Za-z0-9_-], else invalid_room.
void validate_room_id(std::string_view room_id);

// Returns the trimmed name: 1..64 code points, valid UTF-8, no control characters, no
// direction embeddings/overrides/isolates, at least one visible character; else invalid_name.
std::string validate_display_name(std::string_view raw_name);

// A new room password: valid UTF-8, 1..128 code points, not trimmed; else bad_request.
void validate_new_password(std::string_view password);

// Returns the trimmed text: valid UTF-8 (else bad_request), 1..max_length code points
// (else too_long), no control characters but tab and line feed, no direction
// embeddings/overrides/isolates, at least one visible character (else invalid_message).
std::string validate_chat_text(std::string_view raw_text, std::size_t max_length);

}  // namespace confab::meeting
