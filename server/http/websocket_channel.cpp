#include "http/websocket_channel.hpp"

#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

namespace confab::http {

namespace beast = boost::beast;
namespace websocket = beast::websocket;

template <class Stream>
WebSocketChannel<Stream>::WebSocketChannel(Stream stream, std::size_t max_message,
                                           std::shared_ptr<ListenerState> state, IpLimiter::Slot slot)
    : ws_(std::move(stream)), state_(std::move(state)), slot_(std::move(slot)) {
  beast::get_lowest_layer(ws_).expires_never();
  // Engine.IO's heartbeat detects dead peers; Beast only bounds the handshake.
  ws_.set_option(websocket::stream_base::timeout{std::chrono::seconds(20), websocket::stream_base::none(), false});
  ws_.read_message_max(max_message);
  ws_.auto_fragment(false);
  ++state_->traffic.websockets_open;
}

template <class Stream>
WebSocketChannel<Stream>::~WebSocketChannel() {
  --state_->traffic.websockets_open;
}

template <class Stream>
void WebSocketChannel<Stream>::accept(BeastRequest request, OpenFn on_open) {
  ws_.async_accept(request, [self = this->shared_from_this(), on_open = std::move(on_open)](beast::error_code ec) {
    if (ec) {
      self->finish();
      return;
    }
    self->open_ = true;
    self->handler_ = on_open(self);
    if (!self->handler_) self->close();
    if ((!self->queue_.empty() || self->closing_) && !self->writing_) self->write_next();
    self->read();
  });
}

template <class Stream>
void WebSocketChannel<Stream>::read() {
  ws_.async_read(buffer_, [self = this->shared_from_this()](beast::error_code ec, std::size_t bytes) {
    if (ec) {
      self->finish();
      return;
    }
    self->state_->traffic.bytes_received += bytes;
    const auto data = self->buffer_.cdata();
    const std::string_view frame(static_cast<const char*>(data.data()), data.size());
    if (self->handler_) self->handler_->on_frame(frame, !self->ws_.got_text());
    self->buffer_.consume(self->buffer_.size());
    // Idle connections are the many: give the message's memory back (Beast prepares
    // the buffer only when the next frame's bytes arrive).
    self->buffer_.shrink_to_fit();
    if (!self->finished_) self->read();
  });
}

template <class Stream>
void WebSocketChannel<Stream>::send(std::string frame, bool binary) {
  if (closing_ || finished_) return;
  queue_.emplace_back(std::move(frame), binary);
  if (open_ && !writing_) write_next();
}

template <class Stream>
void WebSocketChannel<Stream>::write_next() {
  if (queue_.empty()) {
    writing_ = false;
    if (closing_ && !finished_) {
      writing_ = true;
      ws_.async_close(websocket::close_code::normal, [self = this->shared_from_this()](beast::error_code) {
        self->writing_ = false;
        self->finish();
      });
    }
    return;
  }
  writing_ = true;
  ws_.text(!queue_.front().second);
  ws_.async_write(boost::asio::buffer(queue_.front().first),
                  [self = this->shared_from_this()](beast::error_code ec, std::size_t bytes) {
                    self->state_->traffic.bytes_sent += bytes;
                    self->queue_.pop_front();
                    if (ec) {
                      self->queue_.clear();
                      self->writing_ = false;
                      self->finish();
                      return;
                    }
                    self->write_next();
                  });
}

template <class Stream>
void WebSocketChannel<Stream>::close() {
  if (closing_ || finished_) return;
  closing_ = true;
  if (open_ && !writing_) write_next();
}

// The socket is done: tell Engine.IO once, and drop the handler to break cycles.
template <class Stream>
void WebSocketChannel<Stream>::finish() {
  if (finished_) return;
  finished_ = true;
  beast::error_code ignored;
  auto& socket = beast::get_lowest_layer(ws_).socket();
  socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
  if (auto handler = std::move(handler_)) handler->on_close();
}

template class WebSocketChannel<PlainStream>;
template class WebSocketChannel<TlsStream>;

}  // namespace confab::http
