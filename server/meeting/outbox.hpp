#pragma once
// The meeting's only way out: the app implements it over the Socket.IO layer,
// unit tests implement it with a recording fake.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace confab::meeting {

using ParticipantId = std::string;  // the Socket.IO socket id

class Outbox {
 public:
  virtual ~Outbox() = default;
  // Emit `event` with the single argument `data` to one participant.
  virtual void send(const ParticipantId& to, std::string_view event,
                    const nlohmann::json& data) = 0;
};

}  // namespace confab::meeting
