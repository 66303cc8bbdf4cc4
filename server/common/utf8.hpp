#pragma once
// Just enough UTF-8 for validating user text; no locale, no ICU.
#include <cstddef>
#include <optional>
#include <string_view>

namespace confab::common::utf8 {

struct DecodedCodePoint {
  char32_t value;
  std::size_t length;  // bytes consumed
};

// Decodes the code point starting at `pos`; nullopt for malformed, overlong,
// surrogate or out-of-range sequences.
std::optional<DecodedCodePoint> decode(std::string_view text, std::size_t pos);

// The same rules as decode() (RFC 3629), checked with SIMD: WebSocket text frames and JSON
// strings go through it.
bool is_valid(std::string_view text);

// Unicode White_Space at both ends removed; nullopt if `text` is not valid UTF-8.
std::optional<std::string_view> trim(std::string_view text);

// Both require valid UTF-8.
std::size_t count_code_points(std::string_view text);
bool contains_control(std::string_view text);  // C0, DEL or C1
// C0, DEL or C1 other than tab and line feed (which multi-line text may hold).
bool contains_control_except_tab_and_newline(std::string_view text);
// An explicit direction embedding, override or isolate (U+202A-U+202E, U+2066-U+2069): they
// reorder the text that follows, so a name or message could display as something it is not.
bool contains_bidi_control(std::string_view text);
// Whether something would show: a code point that is neither white space nor invisible
// (zero-width, format, filler and variation characters).
bool has_visible(std::string_view text);

bool is_white_space(char32_t code_point);
bool is_control(char32_t code_point);
bool is_bidi_control(char32_t code_point);
bool is_invisible(char32_t code_point);

}  // namespace confab::common::utf8
