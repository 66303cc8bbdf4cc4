#pragma once
// One client's connection to one namespace (what socket.io calls a Socket).
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "http/message.hpp"
#include "socketio/adapter.hpp"
#include "socketio/packet.hpp"

namespace confab::socketio {

class Client;
class Namespace;
class Socket;

// The acknowledgement a client asked for with an event; sends at most once.
class Ack {
 public:
  Ack() = default;
  Ack(std::weak_ptr<Socket> socket, std::uint64_t id) : socket_(std::move(socket)), id_(id) {}
  bool requested() const { return !socket_.expired() && !sent_; }
  void send_args(nlohmann::json args);  // args must be an array
  void operator()(nlohmann::json value) { send_args(nlohmann::json::array({std::move(value)})); }
  void send_text(std::string_view args);  // args: a JSON array as text

 private:
  std::weak_ptr<Socket> socket_;
  std::uint64_t id_ = 0;
  bool sent_ = false;
};

class Socket : public std::enable_shared_from_this<Socket> {
 public:
  // `auth`: the CONNECT payload as compact JSON text.
  Socket(Client& client, Namespace& nsp, SocketId id, std::string auth);
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  const SocketId& id() const { return id_; }
  Namespace& nsp() const { return nsp_; }
  // Parsed on each call: kept as text, a big auth object costs its size, not ten times that
  // as a tree, for the connection's life.
  nlohmann::json auth() const { return nlohmann::json::parse(auth_); }
  const http::Request& handshake() const;
  bool connected() const { return client_ != nullptr; }

  void emit(std::string_view event, nlohmann::json value);
  void emit_args(nlohmann::json args);  // [event, arg...]
  // `value` is JSON text, sent as is; `event` must be a plain name (nothing to escape).
  void emit_text(std::string_view event, std::string_view value);
  // To every socket in `room` but this one.
  void broadcast(const Room& room, std::string_view event, nlohmann::json value);

  void join(const Room& room);
  void leave(const Room& room);
  std::vector<Room> rooms() const;

  // Server-side disconnect: tells the client, then drops the socket; with
  // close_connection the whole Engine.IO connection goes too.
  void disconnect(bool close_connection = false);

  // Used by the adapter, the namespace and the client.
  void send_encoded(const Encoded& packet);
  void send_packet(const Packet& packet);
  void on_closed(std::string_view reason);

 private:
  Client* client_;
  Namespace& nsp_;
  SocketId id_;
  std::string auth_;
};

}  // namespace confab::socketio
