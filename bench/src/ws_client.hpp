#pragma once
// One client WebSocket connection (Beast over a plain TCP socket, no compression): connect,
// upgrade, an ordered write queue and a read loop. Single-threaded: every call and callback runs
// on the io_context that owns the connection.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <deque>
#include <string>
#include <string_view>

namespace confab::bench {

class ConnectionHandler {
 public:
  virtual ~ConnectionHandler() = default;
  virtual void on_open() = 0;
  virtual void on_text(std::string_view message) = 0;
  // The connection is gone; `error` describes why ("" after close() was called by us).
  virtual void on_closed(std::string_view error) = 0;
};

class WsConnection {
 public:
  WsConnection(boost::asio::io_context& io, ConnectionHandler& handler);
  WsConnection(const WsConnection&) = delete;
  WsConnection& operator=(const WsConnection&) = delete;

  void start(const boost::asio::ip::tcp::endpoint& endpoint, std::string host, std::string target);
  // Sec-WebSocket-Protocol of the upgrade request (Janus wants "janus-protocol"); before start().
  void set_subprotocol(std::string protocol);
  void send(std::string message);
  // Drops the connection at once (no closing handshake), without calling on_closed.
  void abort();

  bool is_open() const { return open_; }
  std::size_t queued() const { return queue_.size(); }

 private:
  void read();
  void write_next();
  void fail(std::string_view what, const boost::system::error_code& ec);

  boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_;
  boost::beast::flat_buffer buffer_;
  std::deque<std::string> queue_;
  ConnectionHandler& handler_;
  std::string host_;
  std::string target_;
  bool open_ = false;
  bool writing_ = false;
  bool done_ = false;
};

}  // namespace confab::bench
