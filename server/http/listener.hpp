#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "http/http_connection.hpp"
#include "http/router.hpp"
#include "http/traffic.hpp"

namespace confab::http {

// Accepts TCP connections and hands each to an HttpConnection.
class Listener {
 public:
  // Throws boost::system::system_error when the address cannot be bound.
  Listener(boost::asio::io_context& io, const Router& router, const boost::asio::ip::tcp::endpoint& endpoint,
           ConnectionLimits limits);
  void start();
  void stop();
  std::uint16_t port() const { return port_; }
  const Traffic& traffic() const { return traffic_; }

 private:
  void accept();

  boost::asio::io_context& io_;
  const Router& router_;
  ConnectionLimits limits_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  Traffic traffic_;
};

}  // namespace confab::http
