#pragma once
// Typed access to an event's JSON object; every type mismatch is a bad_request naming the field.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace confab::meeting {

class PayloadReader {
 public:
  // Throws bad_request unless `payload` is a JSON object. The payload must outlive the reader.
  explicit PayloadReader(const nlohmann::json& payload);

  const std::string& required_string(std::string_view field) const;
  // Absent or null gives nullptr.
  const std::string* optional_string(std::string_view field) const;
  std::optional<bool> optional_bool(std::string_view field) const;
  // The field must be present and an object (or null, if `null_allowed`).
  const nlohmann::json& required_object(std::string_view field, bool null_allowed = false) const;

 private:
  const nlohmann::json* find(std::string_view field) const;
  const nlohmann::json& payload_;
};

[[noreturn]] void throw_bad_field(std::string_view field, std::string_view expectation);

}  // namespace confab::meeting
