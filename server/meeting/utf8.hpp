#pragma once
// Just enough UTF-8 for validating user text; no locale, no ICU.
#include <cstddef>
#include <optional>
#include <string_view>

namespace confab::meeting::utf8 {

struct DecodedCodePoint {
  char32_t value;
  std::size_t length;  // bytes consumed
};

// Decodes the code point starting at `pos`; nullopt for malformed, overlong,
// surrogate or out-of-range sequences.
std::optional<DecodedCodePoint> decode(std::string_view text, std::size_t pos);

bool is_valid(std::string_view text);

// Unicode White_Space at both ends removed; nullopt if `text` is not valid UTF-8.
std::optional<std::string_view> trim(std::string_view text);

// Both require valid UTF-8.
std::size_t count_code_points(std::string_view text);
bool contains_control(std::string_view text);  // C0, DEL or C1

bool is_white_space(char32_t code_point);
bool is_control(char32_t code_point);

}  // namespace confab::meeting::utf8
