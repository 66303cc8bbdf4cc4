#include "meeting/join_request.hpp"

#include "meeting/payload_reader.hpp"
#include "meeting/validation.hpp"

namespace confab::meeting {

JoinRequest JoinRequest::parse(const nlohmann::json& payload) {
  const PayloadReader reader(payload);
  JoinRequest request;
  request.room = reader.required_string("room");
  const std::string* name = reader.optional_string("name");
  request.media.audio = reader.optional_bool("audio").value_or(true);
  request.media.video = reader.optional_bool("video").value_or(true);
  // Not enforced yet (access control comes later), but their types are checked already so
  // clients cannot come to depend on sending garbage.
  reader.optional_string("password");
  reader.optional_string("token");

  validate_room_id(request.room);
  if (name != nullptr) request.name = validate_display_name(*name);
  return request;
}

}  // namespace confab::meeting
