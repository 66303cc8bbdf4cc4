#include "socketio/client.hpp"

#include "common/clock.hpp"
#include "common/random.hpp"
#include "socketio/namespace.hpp"
#include "socketio/server.hpp"

namespace confab::socketio {

Client::Client(Server& server, engineio::Session& session)
    : server_(server), session_(session), decoder_(server.options().max_attachments) {
  if (server.options().max_messages_per_second > 0) {
    rate_.emplace(common::RateLimit{.per_second = server.options().max_messages_per_second,
                                    .burst = std::max(server.options().message_burst,
                                                      server.options().max_messages_per_second)},
                  common::monotonic_ms());
  }
  arm_connect_timer();
}

// A connection in no namespace (new, or left the last one) closes unless one is joined in
// time. The timer goes at the next CONNECT or with the client; an aborted wait returns
// before touching `this`.
void Client::arm_connect_timer() {
  connect_timer_ = std::make_unique<boost::asio::steady_timer>(server_.io());
  connect_timer_->expires_after(server_.options().connect_timeout);
  connect_timer_->async_wait([this](boost::system::error_code ec) {
    if (!ec && sockets_.empty()) close("connect timeout");
  });
}

Client::~Client() {
  connect_timer_.reset();
  for (auto& socket : std::exchange(sockets_, {})) socket->on_closed("server shutting down");
  server_.forget(this);
}

bool Client::admit_packet() {
  if (!rate_ || rate_->try_take(common::monotonic_ms())) return true;
  server_.report("rate_limit", "too many messages");
  for (auto& socket : sockets_) {
    socket->send_packet(
        Packet{PacketType::disconnect, socket->nsp().name(), std::nullopt, std::nullopt});
  }
  close("rate limit exceeded");  // may destroy this client: nothing after it
  return false;
}

void Client::on_message(std::string_view data, bool binary) {
  if (!binary && !decoder_.waiting_for_attachments() && dispatch_text_event(data)) return;
  Decoder::Result result = binary ? decoder_.on_binary(data) : decoder_.on_text(data);
  if (!result.error.empty()) {
    server_.report("protocol", result.error);
    close("parse error");
    return;
  }
  if (result.packet) on_packet(std::move(*result.packet));
}

// The fast path for events with a text handler: the argument stays text, no DOM is built.
// false when the message is not such an event; the Decoder then takes it.
bool Client::dispatch_text_event(std::string_view message) {
  const auto header = peek_event(message);
  if (!header) return false;
  Socket* socket = find(header->nsp);
  const auto* handler = socket != nullptr ? socket->nsp().text_handler(header->name) : nullptr;
  if (handler == nullptr) return false;
  const auto first_arg = server_.first_argument(header->data);
  if (!first_arg) {
    server_.report("protocol", "invalid payload");
    close("parse error");
    return true;
  }
  auto keep = socket->shared_from_this();
  Ack ack = header->id ? Ack(keep, *header->id) : Ack();
  try {
    (*handler)(*socket, *first_arg, ack);
  } catch (const std::exception& e) {
    server_.report("handler", e.what());
  }
  return true;
}

void Client::on_packet(Packet packet) {
  if (packet.type == PacketType::connect) {
    connect(packet);
    return;
  }
  Socket* socket = find(packet.nsp);
  const bool acceptable = packet.type == PacketType::disconnect ||
                          packet.type == PacketType::event ||
                          (packet.type == PacketType::ack && packet.id.has_value());
  if (!socket || !acceptable) {
    server_.report("protocol",
                   socket ? "unexpected packet type" : "packet for an unconnected namespace");
    close("parse error");
    return;
  }
  if (packet.type == PacketType::disconnect) {
    remove(*socket, "client namespace disconnect");
    return;
  }
  auto keep = socket->shared_from_this();
  try {
    socket->nsp().dispatch(*socket, packet);
  } catch (const std::exception& e) {
    server_.report("handler", e.what());
  }
}

void Client::connect(Packet& packet) {
  Namespace* nsp = server_.find(packet.nsp);
  auto refuse = [&](std::string message) {
    send(encode(Packet{PacketType::connect_error, packet.nsp, std::nullopt,
                       nlohmann::json{{"message", std::move(message)}}}));
  };
  if (!nsp) {
    refuse("Invalid namespace");
    return;
  }
  if (find(packet.nsp)) return;  // already connected: nothing to do
  std::string auth = packet.data ? packet.data->dump() : "{}";
  if (auth.size() > server_.options().max_auth_bytes) {
    server_.report("protocol", "auth too large");
    refuse("Auth too large");
    return;
  }
  auto socket = std::make_shared<Socket>(*this, *nsp, common::secure_random_id(), std::move(auth));
  if (auto refusal = nsp->admit(*socket)) {
    refuse(*refusal);
    return;
  }
  sockets_.push_back(socket);
  connect_timer_.reset();  // not kept for the connection's life: idle connections stay small
  socket->send_packet(
      Packet{PacketType::connect, packet.nsp, std::nullopt, nlohmann::json{{"sid", socket->id()}}});
  nsp->add(*socket);
}

Socket* Client::find(std::string_view nsp) const {
  for (auto& socket : sockets_) {
    if (socket->nsp().name() == nsp) return socket.get();
  }
  return nullptr;
}

void Client::send(const Encoded& packet) {
  session_.send(packet.text);
  for (const std::string& attachment : packet.attachments) session_.send(attachment, true);
}

void Client::remove(Socket& socket, std::string_view reason) {
  auto it = std::find_if(sockets_.begin(), sockets_.end(),
                         [&](const auto& s) { return s.get() == &socket; });
  if (it == sockets_.end()) return;
  auto keep = std::move(*it);
  sockets_.erase(it);
  keep->on_closed(reason);
  // The connection stays, as with the reference server: the client may connect again.
  if (sockets_.empty()) arm_connect_timer();
}

void Client::close(std::string_view reason) {
  session_.close(reason);
}

void Client::on_close(std::string_view reason) {
  connect_timer_.reset();
  for (auto& socket : std::exchange(sockets_, {})) socket->on_closed(reason);
}

}  // namespace confab::socketio
