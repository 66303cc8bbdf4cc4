#pragma once
// The confab server process: one io_context thread running HTTP, Engine.IO,
// Socket.IO and the meeting, with the SQLite store beside it.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "app/config.hpp"
#include "app/meeting_gateway.hpp"
#include "engineio/server.hpp"
#include "http/listener.hpp"
#include "http/metrics.hpp"
#include "http/origin_policy.hpp"
#include "http/router.hpp"
#include "meeting/meeting.hpp"
#include "sfu/sfu.hpp"
#include "socketio/server.hpp"
#include "store/sqlite_store.hpp"

namespace confab::app {

class App {
 public:
  explicit App(const Config& config);  // throws when the store or the port cannot be opened
  int run();                           // until SIGINT/SIGTERM
  std::uint16_t port() const { return listener_->port(); }

 private:
  void add_routes();
  void add_security_headers(bool tls);
  http::ListenerOptions listener_options();
  std::string render_metrics();
  void add_sfu_metrics();
  void render_sfu_metrics();
  void shutdown();
  void wait_for_drain(int attempts_left);
  void prune_chat();

  Config config_;
  // One thread runs everything (signals arrive through the reactor too): Asio may skip its locks.
  boost::asio::io_context io_{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO};
  http::Metrics metrics_;
  engineio::Server engine_;
  socketio::Server sio_;
  store::SqliteStore store_;
  common::SystemClock clock_;
  common::SystemRandomSource random_;
  SocketOutbox outbox_;
  std::unique_ptr<sfu::Sfu> sfu_;  // null with --no-sfu
  meeting::Meeting meeting_;
  MeetingGateway gateway_;
  http::OriginPolicy origins_;
  http::Router router_;
  std::unique_ptr<http::Listener> listener_;
  // With --metrics-listen: /metrics on its own (private) address, not on the public port.
  http::Router metrics_router_;
  std::unique_ptr<http::Listener> metrics_listener_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer drain_timer_;
  boost::asio::steady_timer prune_timer_;
};

}  // namespace confab::app
