#pragma once
// The Socket.IO side of one Engine.IO session: decodes packets, connects namespaces
// and owns the sockets.
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <optional>
#include <vector>

#include "common/rate_limit.hpp"
#include "engineio/session.hpp"
#include "socketio/packet.hpp"
#include "socketio/socket.hpp"

namespace confab::socketio {

class Server;

class Client final : public engineio::SessionListener {
 public:
  Client(Server& server, engineio::Session& session);
  ~Client() override;

  void on_message(std::string_view data, bool binary) override;
  void on_close(std::string_view reason) override;
  // Every Engine.IO packet, pings and pongs included, takes a token of the rate limit.
  bool admit_packet() override;

  engineio::Session& session() { return session_; }
  void send(const Encoded& packet);
  // A socket left its namespace; without any left, the connection closes unless the client
  // connects again within the connect timeout.
  void remove(Socket& socket, std::string_view reason);
  void close(std::string_view reason);

 private:
  bool dispatch_text_event(std::string_view message);
  void on_packet(Packet packet);
  void connect(Packet& packet);
  Socket* find(std::string_view nsp) const;
  void arm_connect_timer();

  Server& server_;
  engineio::Session& session_;
  Decoder decoder_;
  std::vector<std::shared_ptr<Socket>> sockets_;
  std::optional<common::TokenBucket> rate_;
  std::unique_ptr<boost::asio::steady_timer> connect_timer_;  // while in no namespace
};

}  // namespace confab::socketio
