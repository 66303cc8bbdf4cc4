#pragma once
// Reads JSON text with simdjson without building a DOM, so that a server can check a message
// and forward parts of it byte for byte (the signaling hot path).
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace confab::json {

enum class JsonType { object, array, string, number, boolean, null };

// The type of a valid JSON value, from its first character.
JsonType type_of(std::string_view value);

struct JsonField {
  std::string key;         // unescaped
  std::string_view text;   // `"key":value` exactly as sent
  std::string_view value;  // the value's text
};

class JsonText {
 public:
  explicit JsonText(std::size_t max_depth);
  ~JsonText();
  JsonText(const JsonText&) = delete;
  JsonText& operator=(const JsonText&) = delete;

  // Whether `text` is exactly one JSON value: grammar, UTF-8 and nesting of at most max_depth.
  bool valid(std::string_view text);

  // The readers below take text that valid() accepted and return views into it.
  // An array's elements; false if `text` is not an array.
  bool elements(std::string_view text, std::vector<std::string_view>& out);
  // An object's fields in order, duplicates kept; false if `text` is not an object.
  bool fields(std::string_view text, std::vector<JsonField>& out);
  // A string value unescaped; nullopt if `value` is not a string.
  std::optional<std::string> string(std::string_view value);

 private:
  struct Parsers;
  std::string_view pad(std::string_view text);

  std::unique_ptr<Parsers> parsers_;  // simdjson stays out of this header
  std::string padded_;                // simdjson reads a little past the end of its input
};

}  // namespace confab::json
