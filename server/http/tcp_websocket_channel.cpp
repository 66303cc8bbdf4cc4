#include "http/tcp_websocket_channel.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>

namespace confab::http {

namespace asio = boost::asio;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;

namespace {
constexpr auto kHandshakeTimeout = std::chrono::seconds(20);
// How long a close frame waits for the peer's, before the socket is closed anyway.
constexpr auto kCloseLinger = std::chrono::seconds(5);
constexpr std::size_t kReadChunk = 16 * 1024;
// Reads per readiness before yielding to other connections.
constexpr int kReadsPerWake = 8;

bool would_block(const boost::system::error_code& ec) {
  return ec == asio::error::would_block || ec == asio::error::try_again;
}
}  // namespace

TcpWebSocketChannel::TcpWebSocketChannel(tcp::socket socket, std::size_t max_message,
                                         std::shared_ptr<ListenerState> state, IpLimiter::Slot slot,
                                         std::size_t max_backlog)
    : socket_(std::move(socket)),
      reader_(max_message),
      backlog_(max_backlog, max_message),
      state_(std::move(state)),
      slot_(std::move(slot)) {
  ++state_->traffic.websockets_open;
}

TcpWebSocketChannel::~TcpWebSocketChannel() {
  --state_->traffic.websockets_open;
}

void TcpWebSocketChannel::accept(BeastRequest request, OpenFn on_open) {
  // Beast checks the upgrade request and writes the 101 (or the error); it is dropped after.
  auto handshake = std::make_shared<websocket::stream<tcp::socket&>>(socket_);
  handshake->set_option(
      websocket::stream_base::timeout{kHandshakeTimeout, websocket::stream_base::none(), false});
  auto& ws = *handshake;
  ws.async_accept(request, [self = shared_from_this(), handshake,
                            on_open = std::move(on_open)](boost::beast::error_code ec) {
    if (ec || self->finished_) {
      self->finish();
      return;
    }
    boost::system::error_code ignored;
    self->socket_.non_blocking(true, ignored);
    self->open_ = true;
    self->handler_ = on_open(self);
    if (!self->handler_) self->close();
    if (!self->pending_.empty() && !self->writing_) self->write_pending();
    // Read at once: the client may have sent frames while the 101 was leaving.
    self->on_readable({});
  });
}

void TcpWebSocketChannel::wait_readable() {
  socket_.async_wait(
      tcp::socket::wait_read,
      [self = shared_from_this()](boost::system::error_code ec) { self->on_readable(ec); });
}

void TcpWebSocketChannel::on_readable(boost::system::error_code ec) {
  if (finished_) return;
  if (ec) {
    finish();
    return;
  }
  // Straight into the stack: an idle connection keeps no read buffer.
  std::array<char, kReadChunk> buffer;
  for (int round = 0;; ++round) {
    if (round == kReadsPerWake) {
      // More may be waiting: come back after the other connections' handlers.
      asio::post(socket_.get_executor(), [self = shared_from_this()] { self->on_readable({}); });
      return;
    }
    const std::size_t n = socket_.read_some(asio::buffer(buffer), ec);
    if (would_block(ec)) break;
    if (ec) {  // end of stream or reset
      finish();
      return;
    }
    state_->traffic.bytes_received += n;
    if (!reader_.done()) {
      const std::uint16_t failure = reader_.feed(buffer.data(), n, *this);
      if (finished_) return;
      if (failure != 0) begin_close(failure);
    }
    if (n < buffer.size()) break;
  }
  if (peer_closed_) return;  // nothing more comes; our close frame ends the connection
  wait_readable();
}

bool TcpWebSocketChannel::on_message(std::string_view payload, bool binary) {
  if (!closing_ && handler_) handler_->on_frame(payload, binary);
  return true;  // while closing, read on to find the peer's close frame
}

void TcpWebSocketChannel::on_ping(std::string_view payload) {
  if (!closing_) write_frame(WsOpcode::pong, payload);
}

void TcpWebSocketChannel::on_close(std::uint16_t code) {
  peer_closed_ = true;
  if (close_sent_) {
    finish();  // the answer to ours
    return;
  }
  begin_close(code);  // echo it; if ours is already queued, it ends the connection when written
}

void TcpWebSocketChannel::send(std::string frame, bool binary) {
  if (closing_ || finished_) return;
  write_frame(binary ? WsOpcode::binary : WsOpcode::text, frame);
}

void TcpWebSocketChannel::close() {
  if (closing_ || finished_) return;
  begin_close(ws_close::normal);
}

void TcpWebSocketChannel::write_frame(WsOpcode opcode, std::string_view payload) {
  if (finished_) return;
  if (!open_ || writing_ || !pending_.empty()) {
    if (!backlog_.admits(pending_.size() + in_flight_.size(), payload.size(), state_->traffic)) {
      drop_slow_client();
      return;
    }
    append_ws_frame(pending_, opcode, payload);
    return;
  }
  // The socket is free: header and payload in one writev, from where they are.
  char header[10];
  const std::size_t header_size = write_ws_header(header, opcode, payload.size());
  const std::array<asio::const_buffer, 2> buffers{asio::buffer(header, header_size),
                                                  asio::buffer(payload)};
  boost::system::error_code ec;
  std::size_t written = socket_.write_some(buffers, ec);
  if (ec && !would_block(ec)) {
    finish_later();  // not now: the caller may be walking a room that finish() changes
    return;
  }
  if (ec) written = 0;
  state_->traffic.bytes_sent += written;
  if (written == header_size + payload.size()) {
    after_writes();
    return;
  }
  // The rest of this one frame waits; only frames queued behind it count against the backlog.
  if (written < header_size) {
    pending_.append(header + written, header_size - written);
    pending_.append(payload);
  } else {
    pending_.append(payload.substr(written - header_size));
  }
  write_pending();
}

void TcpWebSocketChannel::write_pending() {
  if (pending_.empty()) {
    after_writes();
    return;
  }
  writing_ = true;
  in_flight_.swap(pending_);
  asio::async_write(socket_, asio::buffer(in_flight_),
                    [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                      self->writing_ = false;
                      self->state_->traffic.bytes_sent += n;
                      std::string().swap(self->in_flight_);  // an idle channel keeps no buffer
                      if (ec) {
                        self->finish();
                        return;
                      }
                      self->write_pending();
                    });
}

// Everything queued has left. If that included our close frame, the peer's may end it.
void TcpWebSocketChannel::after_writes() {
  if (!closing_ || close_sent_ || finished_) return;
  close_sent_ = true;
  if (peer_closed_) finish_later();
}

void TcpWebSocketChannel::begin_close(std::uint16_t code) {
  if (closing_ || finished_) return;
  closing_ = true;
  // Ends a peer that neither reads our close frame nor answers it.
  linger_ = std::make_unique<asio::steady_timer>(socket_.get_executor(), kCloseLinger);
  linger_->async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec) self->finish();
  });
  write_frame(WsOpcode::close, ws_close_payload(code));
}

// The socket is done: tell Engine.IO once, and drop the handler to break cycles.
void TcpWebSocketChannel::finish() {
  if (finished_) return;
  finished_ = true;
  linger_.reset();
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  std::string().swap(pending_);
  if (auto handler = std::move(handler_)) handler->on_close();
}

// Over the backlog limit (counted there): the connection goes.
void TcpWebSocketChannel::drop_slow_client() {
  if (closing_) return;
  closing_ = true;  // nothing more is queued, not even a close frame: it would not be read
  finish_later();
}

void TcpWebSocketChannel::finish_later() {
  asio::post(socket_.get_executor(), [self = shared_from_this()] { self->finish(); });
}

}  // namespace confab::http
