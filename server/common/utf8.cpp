#include "common/utf8.hpp"

#include <simdjson.h>

namespace confab::common::utf8 {

std::optional<DecodedCodePoint> decode(std::string_view text, std::size_t pos) {
  const auto byte_at = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte_at(pos);
  if (lead < 0x80) return DecodedCodePoint{lead, 1};

  std::size_t length = 0;
  char32_t value = 0;
  char32_t smallest = 0;  // anything below is an overlong encoding
  if ((lead & 0xE0) == 0xC0) {
    length = 2, value = lead & 0x1F, smallest = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, value = lead & 0x0F, smallest = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, value = lead & 0x07, smallest = 0x10000;
  } else {
    return std::nullopt;
  }
  if (text.size() - pos < length) return std::nullopt;
  for (std::size_t i = 1; i < length; ++i) {
    const unsigned char continuation = byte_at(pos + i);
    if ((continuation & 0xC0) != 0x80) return std::nullopt;
    value = (value << 6) | (continuation & 0x3F);
  }
  const bool surrogate = value >= 0xD800 && value <= 0xDFFF;
  if (value < smallest || value > 0x10FFFF || surrogate) return std::nullopt;
  return DecodedCodePoint{value, length};
}

bool is_valid(std::string_view text) {
  return simdjson::validate_utf8(text.data(), text.size());
}

std::optional<std::string_view> trim(std::string_view text) {
  std::size_t begin = text.size();
  std::size_t end = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const auto decoded = decode(text, pos);
    if (!decoded) return std::nullopt;
    if (!is_white_space(decoded->value)) {
      if (begin == text.size()) begin = pos;
      end = pos + decoded->length;
    }
    pos += decoded->length;
  }
  if (begin == text.size()) return text.substr(0, 0);
  return text.substr(begin, end - begin);
}

std::size_t count_code_points(std::string_view text) {
  std::size_t count = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;  // count lead bytes only
  }
  return count;
}

bool contains_control(std::string_view text) {
  for (std::size_t pos = 0; pos < text.size();) {
    const auto decoded = decode(text, pos);
    if (!decoded || is_control(decoded->value)) return true;
    pos += decoded->length;
  }
  return false;
}

namespace {

template <typename Predicate>
bool any_code_point(std::string_view text, Predicate&& predicate) {
  for (std::size_t pos = 0; pos < text.size();) {
    const auto decoded = decode(text, pos);
    if (!decoded || predicate(decoded->value)) return true;
    pos += decoded->length;
  }
  return false;
}

}  // namespace

bool contains_control_except_tab_and_newline(std::string_view text) {
  return any_code_point(text, [](char32_t c) { return is_control(c) && c != '\t' && c != '\n'; });
}

bool contains_bidi_control(std::string_view text) {
  return any_code_point(text, is_bidi_control);
}

bool has_visible(std::string_view text) {
  return any_code_point(
      text, [](char32_t c) { return !is_white_space(c) && !is_invisible(c) && !is_control(c); });
}

bool is_bidi_control(char32_t c) {
  return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

// Default_Ignorable_Code_Point and the Hangul fillers, which render as nothing.
bool is_invisible(char32_t c) {
  return c == 0x00AD || c == 0x034F || c == 0x061C || c == 0x115F || c == 0x1160 || c == 0x17B4 ||
         c == 0x17B5 || (c >= 0x180B && c <= 0x180F) || (c >= 0x200B && c <= 0x200F) ||
         (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x206F) || c == 0x3164 ||
         (c >= 0xFE00 && c <= 0xFE0F) || c == 0xFEFF || c == 0xFFA0 ||
         (c >= 0xFFF0 && c <= 0xFFF8) || (c >= 0x1BCA0 && c <= 0x1BCA3) ||
         (c >= 0x1D173 && c <= 0x1D17A) || (c >= 0xE0000 && c <= 0xE0FFF);
}

bool is_white_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

bool is_control(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

}  // namespace confab::common::utf8
