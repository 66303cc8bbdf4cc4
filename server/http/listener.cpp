#include "http/listener.hpp"

namespace confab::http {

Listener::Listener(boost::asio::io_context& io, const Router& router,
                   const boost::asio::ip::tcp::endpoint& endpoint, ConnectionLimits limits)
    : io_(io), router_(router), limits_(limits), acceptor_(io) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(boost::asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(boost::asio::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
}

void Listener::start() { accept(); }

void Listener::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

void Listener::accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, boost::asio::ip::tcp::socket socket) {
    if (ec == boost::asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      socket.set_option(boost::asio::ip::tcp::no_delay(true), ec);
      std::make_shared<HttpConnection>(std::move(socket), router_, limits_, traffic_)->start();
    }
    accept();  // EMFILE and friends: keep serving the connections we have
  });
}

}  // namespace confab::http
