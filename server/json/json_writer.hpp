#pragma once
// Writes JSON text straight into a string, for replies built on every join (the ack, new_user):
// nlohmann::json would build a tree of maps first, and Debian 12's simdjson has no writer.
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace confab::json {

class JsonWriter {
 public:
  // `capacity`: the expected size, so that a long reply is not copied as it grows.
  explicit JsonWriter(std::size_t capacity = 0) { out_.reserve(capacity); }

  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }

  // Inside an object: the next member's key; the value follows.
  JsonWriter& key(std::string_view name);

  // Throws std::invalid_argument for text that is not valid UTF-8.
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(bool flag);
  template <std::integral Number>
  requires(!std::same_as<Number, bool>) JsonWriter& value(Number number) {
    return integer(static_cast<std::int64_t>(number));
  }
  JsonWriter& null();
  // A complete JSON value, already serialised (trusted: not checked).
  JsonWriter& raw(std::string_view json);

  template <typename Value>
  JsonWriter& field(std::string_view name, const Value& v) {
    key(name);
    return value(v);
  }

  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  JsonWriter& open(char bracket);
  JsonWriter& close(char bracket);
  JsonWriter& integer(std::int64_t number);
  void separate();
  void string(std::string_view text);
  void escaped(std::string_view text);

  std::string out_;
  bool after_value_ = false;  // the next key or element needs a comma
};

}  // namespace confab::json
