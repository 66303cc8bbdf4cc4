#pragma once
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>

#include "socketio/adapter.hpp"
#include "socketio/socket.hpp"

namespace confab::socketio {

// A namespace routes events to handlers shared by all its sockets (one table per
// namespace, not per socket: idle connections stay small).
class Namespace {
 public:
  using Middleware = std::function<std::optional<std::string>(Socket&)>;  // error: refuse
  using ConnectHandler = std::function<void(Socket&)>;
  using EventHandler = std::function<void(Socket&, nlohmann::json& args, Ack& ack)>;
  using UnknownHandler =
      std::function<void(Socket&, std::string_view event, nlohmann::json& args, Ack& ack)>;
  using DisconnectHandler = std::function<void(Socket&, std::string_view reason)>;
  // For hot events whose handler passes the first argument on: `first_arg` is its JSON text as
  // sent (validated; "null" when the event has none), no DOM is built.
  using TextEventHandler = std::function<void(Socket&, std::string_view first_arg, Ack& ack)>;

  explicit Namespace(std::string name);
  Namespace(const Namespace&) = delete;
  Namespace& operator=(const Namespace&) = delete;

  const std::string& name() const { return name_; }
  void use(Middleware m) { middlewares_.push_back(std::move(m)); }
  void on_connection(ConnectHandler h) { on_connection_ = std::move(h); }
  void on(const std::string& event, EventHandler h) { handlers_[event] = std::move(h); }
  void on_unknown(UnknownHandler h) { on_unknown_ = std::move(h); }
  void on_text(const std::string& event, TextEventHandler h) {
    text_handlers_[event] = std::move(h);
  }
  const TextEventHandler* text_handler(std::string_view event) const;
  void on_disconnect(DisconnectHandler h) { on_disconnect_ = std::move(h); }
  void set_adapter(std::unique_ptr<Adapter> adapter) { adapter_ = std::move(adapter); }

  Adapter& adapter() { return *adapter_; }
  Socket* socket(const SocketId& id) const;
  std::size_t size() const { return sockets_.size(); }

  void emit(const BroadcastOptions& to, std::string_view event, nlohmann::json value);

  // Used by Client and Socket.
  std::optional<std::string> admit(Socket& socket);
  void add(Socket& socket);
  void remove(Socket& socket, std::string_view reason);
  void dispatch(Socket& socket, Packet& packet);
  void clear_handlers();  // at shutdown, before the handlers' owners go

 private:
  std::string name_;
  std::vector<Middleware> middlewares_;
  ConnectHandler on_connection_;
  UnknownHandler on_unknown_;
  DisconnectHandler on_disconnect_;
  std::unordered_map<std::string, EventHandler> handlers_;
  std::map<std::string, TextEventHandler, std::less<>> text_handlers_;
  std::unordered_map<SocketId, Socket*> sockets_;
  std::unique_ptr<Adapter> adapter_;
};

}  // namespace confab::socketio
