// The server under test for the "Test suite" sections of the Engine.IO v4 and
// Socket.IO v5 protocol documents: a raw Engine.IO echo endpoint at /engine.io/ and
// the Socket.IO echo handlers at /socket.io/, with pingInterval 300, pingTimeout 200.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <boost/asio/signal_set.hpp>

#include "engineio/server.hpp"
#include "http/listener.hpp"
#include "socketio/server.hpp"

namespace {

using confab::engineio::Session;

class EchoListener final : public confab::engineio::SessionListener {
 public:
  explicit EchoListener(Session& session) : session_(session) {}
  void on_message(std::string_view data, bool binary) override {
    session_.send(std::string(data), binary);
  }
  void on_close(std::string_view) override {}

 private:
  Session& session_;
};

void add_echo_handlers(confab::socketio::Namespace& nsp) {
  using confab::socketio::Ack;
  using confab::socketio::Socket;
  nsp.on_connection([](Socket& s) { s.emit("auth", s.auth()); });
  nsp.on("message", [](Socket& s, nlohmann::json& args, Ack&) {
    args.insert(args.begin(), "message-back");
    s.emit_args(std::move(args));
  });
  nsp.on("message-with-ack",
         [](Socket&, nlohmann::json& args, Ack& ack) { ack.send_args(std::move(args)); });
}

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  std::uint16_t port = 3000;
  CLI::App cli{"confab-conformance: Engine.IO v4 / Socket.IO v5 test-suite server"};
  cli.add_option("--host", host, "Address to listen on")->capture_default_str();
  cli.add_option("--port", port, "TCP port")->capture_default_str();
  CLI11_PARSE(cli, argc, argv);

  boost::asio::io_context io;
  const confab::engineio::ServerConfig config{std::chrono::milliseconds(300),
                                              std::chrono::milliseconds(200), 1'000'000, true};
  confab::engineio::Server raw_engine(io, config);
  raw_engine.on_connection([](Session& s) { s.set_listener(std::make_unique<EchoListener>(s)); });
  confab::engineio::Server sio_engine(io, config);
  confab::socketio::Server sio(io, sio_engine);
  add_echo_handlers(sio.of("/"));
  add_echo_handlers(sio.of("/custom"));

  confab::http::Router router;
  router.mount_engine("/engine.io/", raw_engine);
  router.mount_engine("/socket.io/", sio_engine);
  try {
    confab::http::Listener listener(io, router, {boost::asio::ip::make_address(host), port},
                                    confab::http::ListenerOptions{});
    listener.start();
    spdlog::info("confab-conformance listening on http://{}:{}", host, listener.port());
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code, int) { io.stop(); });
    io.run();
  } catch (const std::exception& e) {
    spdlog::critical("cannot start: {}", e.what());
    return 1;
  }
  return 0;
}
