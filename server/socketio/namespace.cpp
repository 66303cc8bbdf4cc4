#include "socketio/namespace.hpp"

#include "socketio/in_memory_adapter.hpp"

namespace confab::socketio {

Namespace::Namespace(std::string name) : name_(std::move(name)) {
  adapter_ = std::make_unique<InMemoryAdapter>(
      AdapterHost{[this](const SocketId& id, const Encoded& packet) {
                    Socket* s = socket(id);
                    if (s) s->send_encoded(packet);
                    return s != nullptr;
                  },
                  [this] {
                    std::vector<SocketId> ids;
                    ids.reserve(sockets_.size());
                    for (auto& [id, s] : sockets_) ids.push_back(id);
                    return ids;
                  }});
}

Socket* Namespace::socket(const SocketId& id) const {
  auto it = sockets_.find(id);
  return it == sockets_.end() ? nullptr : it->second;
}

void Namespace::emit(const BroadcastOptions& to, std::string_view event, nlohmann::json value) {
  const Encoded packet = encode(Packet{PacketType::event, name_, std::nullopt,
                                       nlohmann::json::array({event, std::move(value)})});
  adapter_->broadcast(packet, to);
}

std::optional<std::string> Namespace::admit(Socket& socket) {
  for (auto& middleware : middlewares_) {
    if (auto refusal = middleware(socket)) return refusal;
  }
  return std::nullopt;
}

void Namespace::add(Socket& socket) {
  sockets_.emplace(socket.id(), &socket);
  if (on_connection_) on_connection_(socket);
}

void Namespace::remove(Socket& socket, std::string_view reason) {
  if (sockets_.erase(socket.id()) == 0) return;
  if (on_disconnect_) on_disconnect_(socket, reason);
  adapter_->remove_all(socket.id());
}

const Namespace::TextEventHandler* Namespace::text_handler(std::string_view event) const {
  auto it = text_handlers_.find(event);
  return it == text_handlers_.end() ? nullptr : &it->second;
}

void Namespace::clear_handlers() {
  middlewares_.clear();
  on_connection_ = nullptr;
  on_unknown_ = nullptr;
  on_disconnect_ = nullptr;
  handlers_.clear();
  text_handlers_.clear();
}

void Namespace::dispatch(Socket& socket, Packet& packet) {
  nlohmann::json& args = *packet.data;
  // The server never asks for acknowledgements, so an ACK from the client answers nothing.
  if (packet.type == PacketType::ack) return;
  const nlohmann::json name = std::move(args[0]);
  args.erase(args.begin());
  const std::string event = name.is_string() ? name.get<std::string>() : name.dump();
  Ack ack = packet.id ? Ack(socket.weak_from_this(), *packet.id) : Ack();
  if (auto it = handlers_.find(event); it != handlers_.end()) {
    it->second(socket, args, ack);
  } else if (on_unknown_) {
    on_unknown_(socket, event, args, ack);
  }
}

}  // namespace confab::socketio
