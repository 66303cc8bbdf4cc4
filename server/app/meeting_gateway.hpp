#pragma once
// Connects the meeting domain to Socket.IO: every event on the namespace goes to the
// Meeting, whose answer becomes the ack; its Outbox emits to sockets by id.
#include "meeting/meeting.hpp"
#include "socketio/namespace.hpp"

namespace confab::app {

class SocketOutbox final : public meeting::Outbox {
 public:
  explicit SocketOutbox(socketio::Namespace& nsp) : nsp_(nsp) {}
  void send(const meeting::ParticipantId& to, std::string_view event, const nlohmann::json& data) override;

 private:
  socketio::Namespace& nsp_;
};

class MeetingGateway {
 public:
  MeetingGateway(socketio::Namespace& nsp, meeting::Meeting& meeting);
};

}  // namespace confab::app
