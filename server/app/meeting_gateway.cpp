#include "app/meeting_gateway.hpp"

#include <boost/asio/post.hpp>

namespace confab::app {

void SocketOutbox::send(const meeting::ParticipantId& to, std::string_view event,
                        const nlohmann::json& data) {
  if (socketio::Socket* socket = nsp_.socket(to)) socket->emit(event, data);
}

void SocketOutbox::disconnect(const meeting::ParticipantId& participant) {
  boost::asio::post(io_, [&nsp = nsp_, participant] {
    if (socketio::Socket* socket = nsp.socket(participant)) socket->disconnect(true);
  });
}

MeetingGateway::MeetingGateway(socketio::Namespace& nsp, meeting::Meeting& meeting) {
  nsp.on_unknown([&meeting](socketio::Socket& socket, std::string_view event, nlohmann::json& args,
                            socketio::Ack& ack) {
    nlohmann::json payload = args.empty() ? nlohmann::json() : std::move(args[0]);
    nlohmann::json answer = meeting.handle(socket.id(), event, std::move(payload));
    if (ack.requested()) ack(std::move(answer));
  });
  nsp.on_disconnect([&meeting](socketio::Socket& socket, std::string_view) { meeting.disconnect(socket.id()); });
}

}  // namespace confab::app
