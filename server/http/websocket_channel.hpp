#pragma once
// engineio::WsChannel over a Beast WebSocket on TLS: an ordered write queue and a read
// loop. Plain TCP connections use TcpWebSocketChannel.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engineio/transport.hpp"
#include "http/backlog_limit.hpp"
#include "http/connection_context.hpp"
#include "http/http_connection.hpp"
#include "http/ip_limiter.hpp"
#include "http/streams.hpp"

namespace confab::http {

class WebSocketChannel final : public engineio::WsChannel,
                               public std::enable_shared_from_this<WebSocketChannel> {
 public:
  using OpenFn =
      std::function<std::shared_ptr<engineio::WsHandler>(std::shared_ptr<engineio::WsChannel>)>;

  WebSocketChannel(TlsStream stream, std::size_t max_message, std::shared_ptr<ListenerState> state,
                   IpLimiter::Slot slot, std::size_t max_backlog);
  ~WebSocketChannel() override;

  // Completes the upgrade handshake, then asks `on_open` for the frame handler.
  void accept(BeastRequest request, OpenFn on_open);

  void send(std::string frame, bool binary) override;
  void close() override;

 private:
  struct Frame {
    std::string data;
    bool binary;
  };

  void read();
  void on_read(boost::beast::error_code ec);
  void write_next();
  void finish();
  void finish_later();

  boost::beast::websocket::stream<TlsStream> ws_;
  boost::beast::flat_buffer buffer_;
  // Frames still to write, from queue_[head_] on: a vector, as a deque holds ~0.5 KB
  // even when empty.
  std::vector<Frame> queue_;
  std::size_t head_ = 0;
  std::string writing_frame_;
  std::size_t queued_bytes_ = 0;  // in queue_ from head_ on, and writing_frame_
  BacklogLimit backlog_;
  // Bounds the close: a client that reads nothing never lets the queued writes finish.
  std::unique_ptr<boost::asio::steady_timer> linger_;
  std::shared_ptr<engineio::WsHandler> handler_;
  std::shared_ptr<ListenerState> state_;
  IpLimiter::Slot slot_;
  bool open_ = false;
  bool writing_ = false;
  bool closing_ = false;
  bool finished_ = false;
};

}  // namespace confab::http
