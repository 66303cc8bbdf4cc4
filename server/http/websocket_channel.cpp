#include "http/websocket_channel.hpp"

#include <boost/asio/post.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

namespace confab::http {

namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {
// Beast's async_read reserves 1.5 KB in the buffer before a frame arrives, per idle
// connection. A message starts with a read of at most this much (an Engine.IO pong
// fits); a longer one continues with async_read.
constexpr std::size_t kFirstReadBytes = 64;
// How long close() waits for the queued frames and the close frame to leave.
constexpr auto kCloseLinger = std::chrono::seconds(5);

}  // namespace

WebSocketChannel::WebSocketChannel(TlsStream stream, std::size_t max_message,
                                   std::shared_ptr<ListenerState> state, IpLimiter::Slot slot,
                                   std::size_t max_backlog)
    : ws_(std::move(stream)),
      backlog_(max_backlog, max_message),
      state_(std::move(state)),
      slot_(std::move(slot)) {
  beast::get_lowest_layer(ws_).expires_never();
  // Engine.IO's heartbeat detects dead peers; Beast only bounds the handshake.
  ws_.set_option(websocket::stream_base::timeout{std::chrono::seconds(20),
                                                 websocket::stream_base::none(), false});
  ws_.read_message_max(max_message);
  ws_.auto_fragment(false);
  ++state_->traffic.websockets_open;
}

WebSocketChannel::~WebSocketChannel() {
  --state_->traffic.websockets_open;
}

void WebSocketChannel::accept(BeastRequest request, OpenFn on_open) {
  ws_.async_accept(request,
                   [self = shared_from_this(), on_open = std::move(on_open)](beast::error_code ec) {
                     if (ec) {
                       self->finish();
                       return;
                     }
                     self->open_ = true;
                     self->handler_ = on_open(self);
                     if (!self->handler_) self->close();
                     if ((!self->queue_.empty() || self->closing_) && !self->writing_)
                       self->write_next();
                     self->read();
                   });
}

void WebSocketChannel::read() {
  // Into a plain buffer: the pending op then has no read_op layer around Beast's read_some_op.
  ws_.async_read_some(buffer_.prepare(kFirstReadBytes),
                      [self = shared_from_this()](beast::error_code ec, std::size_t bytes) {
                        self->buffer_.commit(bytes);
                        self->on_read(ec);
                      });
}

void WebSocketChannel::on_read(beast::error_code ec) {
  if (ec) {
    finish();
    return;
  }
  if (!ws_.is_message_done()) {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->on_read(ec);
    });
    return;
  }
  state_->traffic.bytes_received += buffer_.size();
  const auto data = buffer_.cdata();
  const std::string_view frame(static_cast<const char*>(data.data()), data.size());
  if (handler_) handler_->on_frame(frame, !ws_.got_text());
  buffer_.consume(buffer_.size());
  buffer_.shrink_to_fit();  // the next read takes only kFirstReadBytes
  if (!finished_) read();
}

void WebSocketChannel::send(std::string frame, bool binary) {
  if (closing_ || finished_) return;
  // Only what waits behind the write in flight counts, as on the plain channel.
  const std::size_t waiting = writing_ ? queued_bytes_ - writing_frame_.size() : queued_bytes_;
  if (!backlog_.admits(waiting, frame.size(), state_->traffic)) {
    // Nothing more is sent, not even a close frame: it would not be read. Not now: the
    // caller may be walking a room that finish() changes.
    closing_ = true;
    queue_ = {};
    head_ = 0;
    queued_bytes_ = writing_frame_.size();
    finish_later();
    return;
  }
  queued_bytes_ += frame.size();
  queue_.push_back({std::move(frame), binary});
  if (open_ && !writing_) write_next();
}

void WebSocketChannel::write_next() {
  if (head_ == queue_.size()) {
    writing_ = false;
    if (closing_ && !finished_) {
      writing_ = true;
      ws_.async_close(websocket::close_code::normal,
                      [self = shared_from_this()](beast::error_code) {
                        self->writing_ = false;
                        self->finish();
                      });
    }
    return;
  }
  writing_ = true;
  ws_.text(!queue_[head_].binary);
  // Out of the vector: a later push_back may move the queued strings (and the bytes of
  // a short one with them) while Beast writes.
  writing_frame_ = std::move(queue_[head_++].data);
  if (head_ == queue_.size()) {
    queue_ = {};  // an idle channel keeps no queue memory
    head_ = 0;
  } else if (head_ >= 16 && head_ * 2 >= queue_.size()) {  // a long queue: O(1) per frame
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
  ws_.async_write(boost::asio::buffer(writing_frame_),
                  [self = shared_from_this()](beast::error_code ec, std::size_t bytes) {
                    self->state_->traffic.bytes_sent += bytes;
                    self->queued_bytes_ -= self->writing_frame_.size();
                    self->writing_frame_ = std::string();
                    if (ec) {
                      self->queue_ = {};
                      self->head_ = 0;
                      self->queued_bytes_ = 0;
                      self->writing_ = false;
                      self->finish();
                      return;
                    }
                    self->write_next();
                  });
}

void WebSocketChannel::close() {
  if (closing_ || finished_) return;
  closing_ = true;
  linger_ = std::make_unique<boost::asio::steady_timer>(ws_.get_executor(), kCloseLinger);
  linger_->async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec) self->finish();  // the socket closes: the stuck writes end and free their frames
  });
  if (open_ && !writing_) write_next();
}

// The socket is done: tell Engine.IO once, and drop the handler to break cycles.
void WebSocketChannel::finish() {
  if (finished_) return;
  finished_ = true;
  linger_.reset();
  queue_ = {};
  head_ = 0;
  beast::error_code ignored;
  auto& socket = beast::get_lowest_layer(ws_).socket();
  socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
  if (auto handler = std::move(handler_)) handler->on_close();
}

void WebSocketChannel::finish_later() {
  boost::asio::post(ws_.get_executor(), [self = shared_from_this()] { self->finish(); });
}

}  // namespace confab::http
