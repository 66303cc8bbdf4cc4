#include "http/listener.hpp"

#include <boost/asio/write.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <string>

#include "http/http_connection.hpp"

namespace confab::http {

namespace beast = boost::beast;
using boost::asio::ip::tcp;

Listener::Listener(boost::asio::io_context& io, const Router& router, const tcp::endpoint& endpoint,
                   ListenerOptions options)
    : options_(std::move(options)),
      state_(std::make_shared<ListenerState>(options_.limits.max_connections_per_ip)),
      plain_{router, options_.limits, options_.tls != nullptr && options_.redirect_http},
      secure_{router, options_.limits, false},
      acceptor_(io) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(boost::asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(boost::asio::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
}

void Listener::start() {
  accept();
}

void Listener::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

void Listener::accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
    if (ec == boost::asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      socket.set_option(tcp::no_delay(true), ec);
      auto endpoint = socket.remote_endpoint(ec);
      std::string ip = ec ? std::string() : endpoint.address().to_string();
      ++state_->traffic.connections_total;
      if (auto slot = state_->limiter.acquire(ip); !slot) {
        refuse(std::move(socket));
      } else if (options_.tls) {
        detect_tls(std::move(socket), std::move(ip), std::move(*slot));
      } else {
        std::make_shared<HttpConnection<PlainStream>>(PlainStream(std::move(socket)),
                                                      beast::flat_buffer{}, plain_, state_,
                                                      std::move(ip), std::move(*slot))
            ->start();
      }
    }
    accept();  // EMFILE and friends: keep serving the connections we have
  });
}

// Over the per-address limit: a short answer, then the socket closes.
void Listener::refuse(tcp::socket socket) {
  static constexpr std::string_view kBody = "Too many connections from your address\n";
  static const std::string kTooMany =
      "HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Type: text/plain\r\n"
      "Content-Length: " +
      std::to_string(kBody.size()) + "\r\n\r\n" + std::string(kBody);
  auto owned = std::make_shared<tcp::socket>(std::move(socket));
  boost::asio::async_write(*owned, boost::asio::buffer(kTooMany),
                           [owned](boost::system::error_code, std::size_t) {
                             boost::system::error_code ignored;
                             owned->shutdown(tcp::socket::shutdown_both, ignored);
                           });
}

void Listener::detect_tls(tcp::socket socket, std::string ip, IpLimiter::Slot slot) {
  struct Pending {
    PlainStream stream;
    beast::flat_buffer buffer;
    std::string ip;
    IpLimiter::Slot slot;
  };
  auto p = std::make_shared<Pending>(
      Pending{PlainStream(std::move(socket)), {}, std::move(ip), std::move(slot)});
  p->stream.expires_after(std::chrono::seconds(10));
  beast::async_detect_ssl(
      p->stream, p->buffer, [this, p, state = state_](beast::error_code ec, bool is_tls) {
        if (ec) return;
        if (!is_tls) {
          std::make_shared<HttpConnection<PlainStream>>(std::move(p->stream), std::move(p->buffer),
                                                        plain_, state, std::move(p->ip),
                                                        std::move(p->slot))
              ->start();
          return;
        }
        auto tls = std::make_shared<TlsStream>(std::move(p->stream), *options_.tls);
        tls->async_handshake(boost::asio::ssl::stream_base::server, p->buffer.data(),
                             [this, p, tls, state](beast::error_code ec2, std::size_t used) {
                               if (ec2) return;
                               p->buffer.consume(used);
                               std::make_shared<HttpConnection<TlsStream>>(
                                   std::move(*tls), std::move(p->buffer), secure_, state,
                                   std::move(p->ip), std::move(p->slot))
                                   ->start();
                             });
      });
}

}  // namespace confab::http
