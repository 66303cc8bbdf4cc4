#pragma once
// Socket.IO v5 on top of an Engine.IO server.
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_set>

#include "engineio/server.hpp"
#include "json/json_text.hpp"
#include "socketio/namespace.hpp"

namespace confab::socketio {

class Client;

struct ServerOptions {
  std::chrono::milliseconds connect_timeout{45000};
  std::size_t max_attachments = 10;
  // Told about protocol violations and handler exceptions (for logs and metrics).
  std::function<void(std::string_view kind, std::string_view detail)> on_error;
  // Engine.IO messages a connection may send per second (0: unlimited) and the burst
  // it may save up; a client over the limit is disconnected.
  double max_messages_per_second = 0;
  double message_burst = 0;
  // Largest CONNECT auth object, as compact JSON text; a bigger one gets a CONNECT_ERROR.
  std::size_t max_auth_bytes = 8192;
};

class Server {
 public:
  Server(boost::asio::io_context& io, engineio::Server& engine, ServerOptions options = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  Namespace& of(const std::string& name);
  Namespace* find(std::string_view name) const;

  // Used by Client.
  boost::asio::io_context& io() { return io_; }
  const ServerOptions& options() const { return options_; }
  void report(std::string_view kind, std::string_view detail) const;
  void forget(Client* client) { clients_.erase(client); }
  // The first argument of an EVENT's data `["name", ...]` as text ("null" when there is none),
  // or nullopt when the data is not valid JSON. The view lasts until the next call.
  std::optional<std::string_view> first_argument(std::string_view data);

 private:
  boost::asio::io_context& io_;
  engineio::Server& engine_;
  ServerOptions options_;
  std::map<std::string, std::unique_ptr<Namespace>, std::less<>> namespaces_;
  std::unordered_set<Client*> clients_;
  json::JsonText json_text_{kMaxJsonDepth};  // one for all clients: it keeps parser buffers
  std::vector<std::string_view> elements_;
};

}  // namespace confab::socketio
