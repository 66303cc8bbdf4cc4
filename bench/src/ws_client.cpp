#include "ws_client.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/connect.hpp>
#include <boost/beast/websocket.hpp>

namespace confab::bench {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = boost::asio::ip::tcp;

WsConnection::WsConnection(boost::asio::io_context& io, ConnectionHandler& handler)
    : ws_(io), handler_(handler) {
  ws_.read_message_max(16 * 1024 * 1024);
  ws_.auto_fragment(false);
  websocket::permessage_deflate pmd;
  pmd.client_enable = false;
  ws_.set_option(pmd);
}

void WsConnection::set_subprotocol(std::string protocol) {
  ws_.set_option(websocket::stream_base::decorator(
      [protocol = std::move(protocol)](websocket::request_type& request) {
        request.set(beast::http::field::sec_websocket_protocol, protocol);
      }));
}

void WsConnection::start(const tcp::endpoint& endpoint, std::string host, std::string target) {
  host_ = std::move(host);
  target_ = std::move(target);
  ws_.next_layer().async_connect(endpoint, [this](const boost::system::error_code& ec) {
    if (ec) return fail("connect", ec);
    boost::system::error_code ignored;
    ws_.next_layer().set_option(tcp::no_delay(true), ignored);
    ws_.async_handshake(host_, target_, [this](const boost::system::error_code& ec) {
      if (ec) return fail("handshake", ec);
      open_ = true;
      handler_.on_open();
      if (!queue_.empty() && !writing_) write_next();
      if (!done_) read();
    });
  });
}

void WsConnection::read() {
  ws_.async_read(buffer_, [this](const boost::system::error_code& ec, std::size_t) {
    if (ec) return fail("read", ec);
    const auto data = buffer_.cdata();
    handler_.on_text(std::string_view(static_cast<const char*>(data.data()), data.size()));
    buffer_.consume(buffer_.size());
    if (!done_) read();
  });
}

void WsConnection::send(std::string message) {
  if (done_) return;
  queue_.push_back(std::move(message));
  if (open_ && !writing_) write_next();
}

void WsConnection::write_next() {
  if (queue_.empty() || done_) {
    writing_ = false;
    return;
  }
  writing_ = true;
  ws_.async_write(boost::asio::buffer(queue_.front()),
                  [this](const boost::system::error_code& ec, std::size_t) {
                    if (ec) return fail("write", ec);
                    queue_.pop_front();
                    write_next();
                  });
}

void WsConnection::fail(std::string_view what, const boost::system::error_code& ec) {
  if (done_) return;
  done_ = true;
  open_ = false;
  writing_ = false;
  queue_.clear();
  boost::system::error_code ignored;
  ws_.next_layer().close(ignored);
  handler_.on_closed(std::string(what) + ": " + ec.message());
}

void WsConnection::abort() {
  if (done_) return;
  done_ = true;
  open_ = false;
  boost::system::error_code ignored;
  ws_.next_layer().close(ignored);
}

}  // namespace confab::bench
