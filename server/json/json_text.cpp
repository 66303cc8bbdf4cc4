#include "json/json_text.hpp"

#include <simdjson.h>

namespace confab::json {

namespace {

namespace od = simdjson::ondemand;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::string_view trim_end(std::string_view s) {
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// The text of one value inside the padded copy: a token for scalars, everything from the
// opening to the closing bracket for objects and arrays; never the whitespace after it.
bool value_text(od::value& value, std::string_view& out) {
  const std::string_view token = value.raw_json_token();
  if (token.empty()) return false;
  if (token.front() == '{') {
    od::object object;
    if (value.get_object().get(object) || object.raw_json().get(out)) return false;
    out = trim_end(out);
    return true;
  }
  if (token.front() == '[') {
    od::array array;
    if (value.get_array().get(array) || array.raw_json().get(out)) return false;
    out = trim_end(out);
    return true;
  }
  out = trim_end(token);
  return true;
}

}  // namespace

JsonType type_of(std::string_view value) {
  switch (value.empty() ? 'n' : value.front()) {
    case '{':
      return JsonType::object;
    case '[':
      return JsonType::array;
    case '"':
      return JsonType::string;
    case 't':
    case 'f':
      return JsonType::boolean;
    case 'n':
      return JsonType::null;
    default:
      return JsonType::number;
  }
}

struct JsonText::Parsers {
  simdjson::dom::parser validator;
  od::parser reader;
};

JsonText::JsonText(std::size_t max_depth) : parsers_(std::make_unique<Parsers>()) {
  // The depth set here stays when the parser later grows its capacity.
  if (parsers_->validator.allocate(4096, max_depth) != simdjson::SUCCESS) throw std::bad_alloc();
}

JsonText::~JsonText() = default;

std::string_view JsonText::pad(std::string_view text) {
  padded_.assign(text);
  padded_.append(simdjson::SIMDJSON_PADDING, ' ');
  return {padded_.data(), text.size()};
}

bool JsonText::valid(std::string_view text) {
  const std::string_view copy = pad(text);
  simdjson::dom::element root;
  return !parsers_->validator.parse(copy.data(), copy.size(), false).get(root);
}

bool JsonText::elements(std::string_view text, std::vector<std::string_view>& out) {
  out.clear();
  const std::string_view copy = pad(text);
  od::document doc;
  od::array array;
  if (parsers_->reader.iterate(copy, padded_.size()).get(doc) || doc.get_array().get(array)) {
    return false;
  }
  for (auto element : array) {
    od::value value;
    std::string_view raw;
    if (std::move(element).get(value) || !value_text(value, raw)) return false;
    out.push_back(text.substr(static_cast<std::size_t>(raw.data() - copy.data()), raw.size()));
  }
  return true;
}

bool JsonText::fields(std::string_view text, std::vector<JsonField>& out) {
  out.clear();
  const std::string_view copy = pad(text);
  od::document doc;
  od::object object;
  if (parsers_->reader.iterate(copy, padded_.size()).get(doc) || doc.get_object().get(object)) {
    return false;
  }
  for (auto result : object) {
    od::field field;
    if (std::move(result).get(field)) return false;
    const char* begin = field.key().raw() - 1;  // the opening quote; key() before unescaped_key()
    std::string_view key;
    std::string_view raw;
    if (field.unescaped_key().get(key) || !value_text(field.value(), raw)) return false;
    const auto offset = [&](const char* p) { return static_cast<std::size_t>(p - copy.data()); };
    out.push_back(JsonField{
        .key = std::string(key),
        .text = text.substr(offset(begin), offset(raw.data() + raw.size()) - offset(begin)),
        .value = text.substr(offset(raw.data()), raw.size())});
  }
  return true;
}

std::optional<std::string> JsonText::string(std::string_view value) {
  if (type_of(value) != JsonType::string) return std::nullopt;
  const std::string_view copy = pad(value);
  od::document doc;
  std::string_view unescaped;
  if (parsers_->reader.iterate(copy, padded_.size()).get(doc) || doc.get_string().get(unescaped)) {
    return std::nullopt;
  }
  return std::string(unescaped);
}

}  // namespace confab::json
