#pragma once
// One HTTP/1.1 connection: keep-alive request loop, long-poll holding with client
// abort detection, and hand-over to a WebSocket on upgrade.
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>
#include <optional>

#include "http/router.hpp"
#include "http/traffic.hpp"

namespace confab::http {

struct ConnectionLimits {
  std::size_t max_body = 1'000'000;
  std::chrono::seconds idle_timeout{30};
};

class HttpConnection : public std::enable_shared_from_this<HttpConnection> {
 public:
  HttpConnection(boost::asio::ip::tcp::socket socket, const Router& router, ConnectionLimits limits,
                 Traffic& traffic);
  ~HttpConnection();
  void start();

 private:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;

  void read_request();
  void on_request(Request request);
  void on_engine_request(engineio::Server& engine, Request& request, engineio::HttpRequest ereq);
  void upgrade(engineio::Server& engine, Request request, engineio::HttpRequest ereq);
  void send(Response response, bool keep_alive, bool head);
  void watch_for_abort();
  void close();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  const Router& router_;
  ConnectionLimits limits_;
  Traffic& traffic_;
  std::string remote_address_;
  engineio::PollAbort abort_;
  bool held_ = false;  // a long-poll is waiting for its response
  std::uint64_t poll_generation_ = 0;  // tells a stale abort watch from the current one
  bool upgraded_ = false;
  bool closed_ = false;
};

engineio::HttpRequest to_engine_request(const boost::beast::http::request<boost::beast::http::string_body>& request,
                                        std::string remote_address);

}  // namespace confab::http
