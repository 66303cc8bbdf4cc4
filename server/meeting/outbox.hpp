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
  // The same with `data` as JSON text, sent as is; the socket transport avoids a DOM with it.
  virtual void send_text(const ParticipantId& to, std::string_view event, std::string_view data) {
    send(to, event, nlohmann::json::parse(data));
  }
  // Drop the participant's connection after what was sent to it so far (a kick). The meeting
  // has already removed the participant, so the disconnect that follows finds nothing to do;
  // implementations may defer it. The default does nothing, for doubles that only record
  // sends; a real transport must override it.
  virtual void disconnect(const ParticipantId& participant) { (void)participant; }
};

}  // namespace confab::meeting
