#include "app/meeting_gateway.hpp"

#include <boost/asio/post.hpp>

namespace confab::app {

void SocketOutbox::send(const meeting::ParticipantId& to, std::string_view event,
                        const nlohmann::json& data) {
  if (socketio::Socket* socket = nsp_.socket(to)) socket->emit(event, data);
}

void SocketOutbox::send_text(const meeting::ParticipantId& to, std::string_view event,
                             std::string_view data) {
  if (socketio::Socket* socket = nsp_.socket(to)) socket->emit_text(event, data);
}

void SocketOutbox::disconnect(const meeting::ParticipantId& participant) {
  boost::asio::post(io_, [&nsp = nsp_, participant] {
    if (socketio::Socket* socket = nsp.socket(participant)) socket->disconnect(true);
  });
}

MeetingGateway::MeetingGateway(socketio::Namespace& nsp, meeting::Meeting& meeting) {
  // The peer address of the Engine.IO handshake: per-address limits count by it.
  nsp.on_connection([&meeting](socketio::Socket& socket) {
    meeting.connect(socket.id(), socket.handshake().remote_address);
  });
  nsp.on_unknown([&meeting](socketio::Socket& socket, std::string_view event, nlohmann::json& args,
                            socketio::Ack& ack) {
    nlohmann::json payload = args.empty() ? nlohmann::json() : std::move(args[0]);
    std::string answer = meeting.handle_text(socket.id(), event, payload);
    if (!ack.requested()) return;
    answer.insert(answer.begin(), '[');
    answer.push_back(']');
    ack.send_text(answer);
  });
  for (const auto signal :
       {meeting::Signal::offer, meeting::Signal::answer, meeting::Signal::ice_candidate}) {
    nsp.on_text(
        std::string(meeting::event_name(signal)),
        [&meeting, signal](socketio::Socket& socket, std::string_view payload, socketio::Ack& ack) {
          auto error = meeting.relay_text(socket.id(), signal, payload);
          if (!ack.requested()) return;
          if (error) {
            ack(std::move(*error));
          } else {
            ack.send_text(R"([{"ok":true}])");
          }
        });
  }
  nsp.on_disconnect(
      [&meeting](socketio::Socket& socket, std::string_view) { meeting.disconnect(socket.id()); });
}

}  // namespace confab::app
