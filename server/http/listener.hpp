#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "http/connection_context.hpp"
#include "http/router.hpp"

namespace confab::http {

struct ListenerOptions {
  ConnectionLimits limits;
  // With TLS, the port speaks HTTPS/WSS; plain HTTP there is redirected (or refused).
  std::shared_ptr<boost::asio::ssl::context> tls;
  bool redirect_http = true;
};

// Accepts TCP connections, applies the per-address limit, tells TLS from plain HTTP
// and hands each connection to an HttpConnection.
class Listener {
 public:
  // Throws boost::system::system_error when the address cannot be bound.
  Listener(boost::asio::io_context& io, const Router& router,
           const boost::asio::ip::tcp::endpoint& endpoint, ListenerOptions options);
  void start();
  void stop();
  std::uint16_t port() const { return port_; }
  bool tls() const { return options_.tls != nullptr; }
  const Traffic& traffic() const { return state_->traffic; }
  std::size_t rejected_connections() const { return state_->limiter.rejected(); }

 private:
  void accept();
  void refuse(boost::asio::ip::tcp::socket socket);
  void detect_tls(boost::asio::ip::tcp::socket socket, std::string ip, IpLimiter::Slot slot);

  ListenerOptions options_;
  std::shared_ptr<ListenerState> state_;
  ConnectionContext plain_;
  ConnectionContext secure_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
};

}  // namespace confab::http
