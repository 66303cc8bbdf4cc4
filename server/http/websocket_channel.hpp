#pragma once
// engineio::WsChannel over a Beast WebSocket (plain or TLS): an ordered write queue
// and a read loop.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <deque>
#include <functional>
#include <memory>

#include "engineio/transport.hpp"
#include "http/http_connection.hpp"
#include "http/ip_limiter.hpp"
#include "http/streams.hpp"
#include "http/connection_context.hpp"

namespace confab::http {

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
  void read();
  void write_next();
  void finish();

  boost::beast::websocket::stream<Stream> ws_;
  boost::beast::flat_buffer buffer_;
  std::deque<std::pair<std::string, bool>> queue_;
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
