#include "meeting/payload_reader.hpp"

#include "meeting/error_code.hpp"

namespace confab::meeting {

void throw_bad_field(std::string_view field, std::string_view expectation) {
  throw RequestError(ErrorCode::bad_request,
                     "field '" + std::string(field) + "' " + std::string(expectation));
}

PayloadReader::PayloadReader(const nlohmann::json& payload) : payload_(payload) {
  if (!payload.is_object()) {
    throw RequestError(ErrorCode::bad_request, "payload must be a JSON object");
  }
}

const nlohmann::json* PayloadReader::find(std::string_view field) const {
  const auto it = payload_.find(field);
  return it == payload_.end() ? nullptr : &*it;
}

const std::string& PayloadReader::required_string(std::string_view field) const {
  const auto* value = find(field);
  if (value == nullptr) throw_bad_field(field, "is required");
  if (!value->is_string()) throw_bad_field(field, "must be a string");
  return value->get_ref<const std::string&>();
}

const std::string* PayloadReader::optional_string(std::string_view field) const {
  const auto* value = find(field);
  if (value == nullptr || value->is_null()) return nullptr;
  if (!value->is_string()) throw_bad_field(field, "must be a string");
  return &value->get_ref<const std::string&>();
}

std::optional<bool> PayloadReader::optional_bool(std::string_view field) const {
  const auto* value = find(field);
  if (value == nullptr) return std::nullopt;
  if (!value->is_boolean()) throw_bad_field(field, "must be a boolean");
  return value->get<bool>();
}

const nlohmann::json& PayloadReader::required_object(std::string_view field,
                                                     bool null_allowed) const {
  const auto* value = find(field);
  if (value == nullptr) throw_bad_field(field, "is required");
  if (value->is_object() || (null_allowed && value->is_null())) return *value;
  throw_bad_field(field, null_allowed ? "must be an object or null" : "must be an object");
}

}  // namespace confab::meeting
