#pragma once
// engineio::WsChannel over a Beast WebSocket: an ordered write queue and a read loop.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <deque>
#include <memory>

#include "engineio/transport.hpp"
#include "http/traffic.hpp"

namespace confab::http {

class WebSocketChannel final : public engineio::WsChannel,
                               public std::enable_shared_from_this<WebSocketChannel> {
 public:
  using OpenFn = std::function<std::shared_ptr<engineio::WsHandler>(std::shared_ptr<WebSocketChannel>)>;

  WebSocketChannel(boost::beast::tcp_stream stream, std::size_t max_message, Traffic& traffic);
  ~WebSocketChannel() override;

  // Completes the upgrade handshake, then asks `on_open` for the frame handler.
  void accept(boost::beast::http::request<boost::beast::http::string_body> request, OpenFn on_open);

  void send(std::string frame, bool binary) override;
  void close() override;

 private:
  void read();
  void write_next();
  void finish();

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  std::deque<std::pair<std::string, bool>> queue_;
  std::shared_ptr<engineio::WsHandler> handler_;
  Traffic& traffic_;
  bool open_ = false;
  bool writing_ = false;
  bool closing_ = false;
  bool finished_ = false;
};

}  // namespace confab::http
