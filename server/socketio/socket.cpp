#include "socketio/socket.hpp"

#include <algorithm>
#include <stdexcept>

#include "socketio/client.hpp"
#include "socketio/namespace.hpp"

namespace confab::socketio {

void Ack::send_args(nlohmann::json args) {
  if (sent_) return;
  auto socket = socket_.lock();
  if (!socket || !socket->connected()) return;
  sent_ = true;
  socket->send_packet(Packet{PacketType::ack, socket->nsp().name(), id_, std::move(args)});
}

void Ack::send_text(std::string_view args) {
  if (sent_) return;
  auto socket = socket_.lock();
  if (!socket || !socket->connected()) return;
  sent_ = true;
  std::string text = packet_prefix(PacketType::ack, socket->nsp().name());
  text += std::to_string(id_);
  text += args;
  socket->send_encoded(Encoded{std::move(text), {}});
}

Socket::Socket(Client& client, Namespace& nsp, SocketId id, std::string auth)
    : client_(&client), nsp_(nsp), id_(std::move(id)), auth_(std::move(auth)) {}

const http::Request& Socket::handshake() const {
  static const http::Request kNone;
  return client_ ? client_->session().handshake() : kNone;
}

void Socket::emit(std::string_view event, nlohmann::json value) {
  emit_args(nlohmann::json::array({event, std::move(value)}));
}

void Socket::emit_args(nlohmann::json args) {
  send_packet(Packet{PacketType::event, nsp_.name(), std::nullopt, std::move(args)});
}

void Socket::emit_text(std::string_view event, std::string_view value) {
  const bool plain = std::none_of(event.begin(), event.end(), [](char c) {
    return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
  });
  if (!plain) throw std::invalid_argument("emit_text: the event name needs escaping");
  std::string text = packet_prefix(PacketType::event, nsp_.name());
  text.reserve(text.size() + event.size() + value.size() + 5);
  text += "[\"";
  text += event;
  text += "\",";
  text += value;
  text += ']';
  send_encoded(Encoded{std::move(text), {}});
}

void Socket::broadcast(const Room& room, std::string_view event, nlohmann::json value) {
  nsp_.emit(BroadcastOptions{{room}, {id_}}, event, std::move(value));
}

void Socket::join(const Room& room) {
  nsp_.adapter().add(id_, room);
}
void Socket::leave(const Room& room) {
  nsp_.adapter().remove(id_, room);
}
std::vector<Room> Socket::rooms() const {
  return nsp_.adapter().rooms_of(id_);
}

void Socket::disconnect(bool close_connection) {
  if (!client_) return;
  auto self = shared_from_this();
  send_packet(Packet{PacketType::disconnect, nsp_.name(), std::nullopt, std::nullopt});
  Client* client = client_;  // may be destroyed by either call below
  if (close_connection) {
    client->close("server namespace disconnect");
  } else {
    client->remove(*this, "server namespace disconnect");
  }
}

void Socket::send_encoded(const Encoded& packet) {
  if (client_) client_->send(packet);
}

void Socket::send_packet(const Packet& packet) {
  send_encoded(encode(packet));
}

void Socket::on_closed(std::string_view reason) {
  if (!client_) return;
  nsp_.remove(*this, reason);
  client_ = nullptr;
}

}  // namespace confab::socketio
