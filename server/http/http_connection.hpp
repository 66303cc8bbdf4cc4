#pragma once
// One HTTP/1.1 connection over a plain or TLS stream: keep-alive request loop,
// long-poll holding with client abort detection, hand-over to a WebSocket on upgrade.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>
#include <optional>

#include "http/connection_context.hpp"
#include "http/ip_limiter.hpp"
#include "http/streams.hpp"

namespace confab::http {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;

template <class Stream>
class HttpConnection : public std::enable_shared_from_this<HttpConnection<Stream>> {
 public:
  HttpConnection(Stream stream, boost::beast::flat_buffer buffer, const ConnectionContext& context,
                 std::shared_ptr<ListenerState> state, std::string remote_address,
                 IpLimiter::Slot slot);
  ~HttpConnection();
  void start() { read_request(); }

 private:
  void read_request();
  void on_request(BeastRequest request);
  void on_engine_request(engineio::Server& engine, bool keep_alive, http::Request ereq);
  void upgrade(engineio::Server& engine, BeastRequest request, http::Request ereq);
  void send(Response response, bool keep_alive, bool head);
  void watch_for_abort();
  void close();

  Stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  ConnectionContext context_;
  std::shared_ptr<ListenerState> state_;
  std::string remote_address_;
  IpLimiter::Slot slot_;
  engineio::PollAbort abort_;
  bool held_ = false;                  // a long-poll is waiting for its response
  std::uint64_t poll_generation_ = 0;  // tells a stale abort watch from the current one
  bool upgraded_ = false;
  bool closed_ = false;
};

extern template class HttpConnection<PlainStream>;
extern template class HttpConnection<TlsStream>;

http::Request to_request(const BeastRequest& request, std::string remote_address);

}  // namespace confab::http
