#pragma once
// Connects the meeting domain to Socket.IO: every event on the namespace goes to the
// Meeting, whose answer becomes the ack; its Outbox emits to sockets by id. Offers, answers
// and ICE candidates take the text path: their payload is never parsed into a DOM.
#include <boost/asio/io_context.hpp>

#include "meeting/meeting.hpp"
#include "socketio/namespace.hpp"

namespace confab::app {

class SocketOutbox final : public meeting::Outbox {
 public:
  SocketOutbox(boost::asio::io_context& io, socketio::Namespace& nsp) : io_(io), nsp_(nsp) {}
  void send(const meeting::ParticipantId& to, std::string_view event,
            const nlohmann::json& data) override;
  void send_text(const meeting::ParticipantId& to, std::string_view event,
                 std::string_view data) override;
  // Closes the participant's whole connection once the current handler is done, so the meeting
  // is not re-entered (via on_disconnect) while it is still handling the kick.
  void disconnect(const meeting::ParticipantId& participant) override;

 private:
  boost::asio::io_context& io_;
  socketio::Namespace& nsp_;
};

class MeetingGateway {
 public:
  MeetingGateway(socketio::Namespace& nsp, meeting::Meeting& meeting);
};

}  // namespace confab::app
