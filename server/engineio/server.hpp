#pragma once
// The Engine.IO v4 server: validates requests, owns the session table and routes
// polling requests and WebSockets to their sessions. Single-threaded: every call
// must come from the io_context's thread.
#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "engineio/config.hpp"
#include "engineio/session.hpp"
#include "engineio/transport.hpp"

namespace confab::engineio {

class Server {
 public:
  using ConnectionHandler = std::function<void(Session&)>;
  // Returns an error message to refuse a new session (e.g. a disallowed Origin).
  using AdmissionCheck = std::function<std::optional<std::string>(const http::Request&)>;

  Server(boost::asio::io_context& io, ServerConfig config);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void on_connection(ConnectionHandler handler) { on_connection_ = std::move(handler); }
  void set_admission_check(AdmissionCheck check) { admission_ = std::move(check); }
  const ServerConfig& config() const { return config_; }

  // A plain HTTP request on the Engine.IO path. `respond` may be held (long poll);
  // the returned hook, when set, must be called if the client drops the request.
  PollAbort handle_http(http::Request request, PollResponder respond);

  // A WebSocket upgrade request: an error response to refuse it, or nullopt to accept.
  std::optional<http::Response> check_websocket(const http::Request& request) const;
  // After the upgrade is accepted: the handler receives the socket's frames.
  std::shared_ptr<WsHandler> open_websocket(const http::Request& request,
                                            std::shared_ptr<WsChannel> channel);

  std::size_t session_count() const { return sessions_.size(); }
  std::size_t sessions_from(const std::string& address) const;
  const SessionCounters& counters() const { return counters_; }
  std::shared_ptr<Session> find(const std::string& sid) const;
  void close_all();

 private:
  std::optional<http::Response> validate(const http::Request& request,
                                         std::string_view transport) const;
  std::shared_ptr<Session> create_session(const http::Request& request, TransportKind transport);

  boost::asio::io_context& io_;
  ServerConfig config_;
  ConnectionHandler on_connection_;
  AdmissionCheck admission_;
  std::unordered_map<std::string, std::shared_ptr<Session>> sessions_;
  // Open sessions per client address: the per-address limit counts sessions, not the TCP
  // connections they share (thousands of polling sessions fit in a few keep-alives).
  std::unordered_map<std::string, std::size_t> per_address_;
  mutable SessionCounters counters_;  // statistics: a refusal in validate() counts too
};

}  // namespace confab::engineio
