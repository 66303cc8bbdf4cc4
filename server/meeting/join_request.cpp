#include "meeting/join_request.hpp"

#include "meeting/payload_reader.hpp"
#include "meeting/validation.hpp"

namespace confab::meeting {

namespace {

std::optional<std::string> copy_of(const std::string* text) {
  return text == nullptr ? std::nullopt : std::optional<std::string>(*text);
}

}  // namespace

JoinRequest JoinRequest::parse(const nlohmann::json& payload) {
  const PayloadReader reader(payload);
  JoinRequest request;
  request.room = reader.required_string("room");
  const std::string* name = reader.optional_string("name");
  request.media.audio = reader.optional_bool("audio").value_or(true);
  request.media.video = reader.optional_bool("video").value_or(true);
  request.password = copy_of(reader.optional_string("password"));
  request.token = copy_of(reader.optional_string("token"));
  if (request.password && request.password->size() > kMaxPasswordBytes) {
    throw_bad_field("password", "is too long");
  }

  validate_room_id(request.room);
  if (name != nullptr) request.name = validate_display_name(*name);
  return request;
}

}  // namespace confab::meeting
