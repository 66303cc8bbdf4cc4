#pragma once
// engineio::WsChannel over a Beast WebSocket (plain or TLS): an ordered write queue
// and a read loop. Idle connections are the many: an idle channel holds no buffer
// but Beast's own.
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engineio/transport.hpp"
#include "http/connection_context.hpp"
#include "http/http_connection.hpp"
#include "http/ip_limiter.hpp"
#include "http/streams.hpp"

namespace confab::http {

// What the WebSocket runs on. A plain connection drops beast::tcp_stream (its shared
// state and timers, ~0.5 KB): Engine.IO's heartbeat finds dead peers and Beast's own
// timeout bounds the handshake. A TLS stream cannot change its next layer: kept as is.
template <class Stream>
struct WsNextLayer {
  using type = Stream;
  static type take(Stream stream) { return stream; }
};
template <>
struct WsNextLayer<PlainStream> {
  using type = boost::asio::ip::tcp::socket;
  static type take(PlainStream stream) { return stream.release_socket(); }
};

template <class Stream>
class WebSocketChannel final : public engineio::WsChannel,
                               public std::enable_shared_from_this<WebSocketChannel<Stream>> {
 public:
  using OpenFn = std::function<std::shared_ptr<engineio::WsHandler>(std::shared_ptr<engineio::WsChannel>)>;

  WebSocketChannel(Stream stream, std::size_t max_message, std::shared_ptr<ListenerState> state,
                   IpLimiter::Slot slot);
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

  boost::beast::websocket::stream<typename WsNextLayer<Stream>::type> ws_;
  boost::beast::flat_buffer buffer_;
  // Frames still to write, from queue_[head_] on: a vector, as a deque holds ~0.5 KB
  // even when empty.
  std::vector<Frame> queue_;
  std::size_t head_ = 0;
  std::string writing_frame_;
  std::shared_ptr<engineio::WsHandler> handler_;
  std::shared_ptr<ListenerState> state_;
  IpLimiter::Slot slot_;
  bool open_ = false;
  bool writing_ = false;
  bool closing_ = false;
  bool finished_ = false;
};

extern template class WebSocketChannel<PlainStream>;
extern template class WebSocketChannel<TlsStream>;

}  // namespace confab::http
