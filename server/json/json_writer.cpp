#include "json/json_writer.hpp"

#include <array>
#include <charconv>
#include <stdexcept>

#include "common/utf8.hpp"

namespace confab::json {

JsonWriter& JsonWriter::key(std::string_view name) {
  separate();
  string(name);
  out_.push_back(':');
  after_value_ = false;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
  separate();
  string(text);
  after_value_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(bool flag) {
  return raw(flag ? "true" : "false");
}

JsonWriter& JsonWriter::null() {
  return raw("null");
}

JsonWriter& JsonWriter::raw(std::string_view json) {
  separate();
  out_.append(json);
  after_value_ = true;
  return *this;
}

JsonWriter& JsonWriter::integer(std::int64_t number) {
  std::array<char, 24> digits{};
  const auto [end, ec] = std::to_chars(digits.data(), digits.data() + digits.size(), number);
  return raw(std::string_view(digits.data(), static_cast<std::size_t>(end - digits.data())));
}

JsonWriter& JsonWriter::open(char bracket) {
  separate();
  out_.push_back(bracket);
  after_value_ = false;
  return *this;
}

JsonWriter& JsonWriter::close(char bracket) {
  out_.push_back(bracket);
  after_value_ = true;
  return *this;
}

void JsonWriter::separate() {
  if (after_value_) out_.push_back(',');
}

void JsonWriter::string(std::string_view text) {
  unsigned char high = 0;
  bool plain = true;  // nothing to escape: the common case, copied in one piece
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    high |= byte;
    plain &= byte >= 0x20 && byte != '"' && byte != '\\';
  }
  if (high >= 0x80 && !common::utf8::is_valid(text)) {
    throw std::invalid_argument("JSON string is not valid UTF-8");
  }
  if (plain) {
    const std::size_t at = out_.size();
    out_.resize(at + text.size() + 2);
    out_[at] = '"';
    text.copy(out_.data() + at + 1, text.size());
    out_.back() = '"';
    return;
  }
  escaped(text);
}

void JsonWriter::escaped(std::string_view text) {
  static constexpr std::string_view kHex = "0123456789abcdef";
  out_.push_back('"');
  std::size_t plain = 0;  // start of the run of bytes that need no escape
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x20 && byte != '"' && byte != '\\') continue;
    out_.append(text.substr(plain, i - plain));
    plain = i + 1;
    switch (byte) {
      case '"':
        out_.append("\\\"");
        break;
      case '\\':
        out_.append("\\\\");
        break;
      case '\n':
        out_.append("\\n");
        break;
      case '\r':
        out_.append("\\r");
        break;
      case '\t':
        out_.append("\\t");
        break;
      case '\b':
        out_.append("\\b");
        break;
      case '\f':
        out_.append("\\f");
        break;
      default:
        out_.append("\\u00");
        out_.push_back(kHex[byte >> 4]);
        out_.push_back(kHex[byte & 0xF]);
    }
  }
  out_.append(text.substr(plain));
  out_.push_back('"');
}

}  // namespace confab::json
