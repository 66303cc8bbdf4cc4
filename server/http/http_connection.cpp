#include "http/http_connection.hpp"

#include <boost/asio/socket_base.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "http/tcp_websocket_channel.hpp"
#include "http/websocket_channel.hpp"

namespace confab::http {

namespace beast = boost::beast;
namespace bhttp = beast::http;

http::Request to_request(const BeastRequest& request, std::string remote_address) {
  http::Request out;
  out.method = std::string(request.method_string());
  const std::string_view target = request.target();
  const size_t q = target.find('?');
  if (q != std::string_view::npos) out.query = http::parse_query(target.substr(q + 1));
  out.origin = std::string(request[bhttp::field::origin]);
  out.remote_address = std::move(remote_address);
  for (std::string_view name : {"host", "x-forwarded-for"}) {
    if (auto it = request.find(name); it != request.end())
      out.headers.emplace(name, std::string(it->value()));
  }
  return out;
}

template <class Stream>
HttpConnection<Stream>::HttpConnection(Stream stream, beast::flat_buffer buffer,
                                       const ConnectionContext& context,
                                       std::shared_ptr<ListenerState> state,
                                       std::string remote_address, IpLimiter::Slot slot)
    : stream_(std::move(stream)),
      buffer_(std::move(buffer)),
      context_(context),
      state_(std::move(state)),
      remote_address_(std::move(remote_address)),
      slot_(std::move(slot)) {
  ++state_->traffic.connections_open;
}

template <class Stream>
HttpConnection<Stream>::~HttpConnection() {
  --state_->traffic.connections_open;
}

template <class Stream>
void HttpConnection<Stream>::read_request() {
  parser_.emplace();
  parser_->header_limit(16 * 1024);
  parser_->body_limit(context_.limits.max_body + 1024);
  beast::get_lowest_layer(stream_).expires_after(context_.limits.idle_timeout);
  bhttp::async_read(stream_, buffer_, *parser_,
                    [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                      self->state_->traffic.bytes_received += n;
                      if (ec == bhttp::error::body_limit) {
                        self->send(Response::text("Payload Too Large\n", 413), false, false);
                      } else if (ec) {
                        self->close();
                      } else {
                        self->on_request(self->parser_->release());
                      }
                    });
}

template <class Stream>
void HttpConnection<Stream>::on_request(BeastRequest request) {
  ++state_->traffic.http_requests;
  beast::get_lowest_layer(stream_).expires_never();
  const std::string_view target = request.target();
  const bool keep_alive = request.keep_alive();
  const bool head = request.method() == bhttp::verb::head;
  if (context_.redirect_to_https) {
    const std::string_view host = request[bhttp::field::host];
    if (host.empty()) {
      send(Response::text("This port speaks HTTPS\n", 400), false, false);
      return;
    }
    Response r = Response::text("Moved to HTTPS\n", 308);
    r.headers.emplace_back("Location", "https://" + std::string(host) + std::string(target));
    send(std::move(r), false, head);
    return;
  }
  const std::string path = http::percent_decode(target.substr(0, target.find('?')));
  const Router& router = context_.router;

  if (engineio::Server* engine = router.engine_for(path)) {
    http::Request ereq = to_request(request, remote_address_);
    ereq.body = std::move(request.body());
    if (beast::websocket::is_upgrade(request)) {
      upgrade(*engine, std::move(request), std::move(ereq));
    } else {
      on_engine_request(*engine, keep_alive, std::move(ereq));
    }
    return;
  }
  // The REST handlers and the static files only read: any other method is refused.
  if (request.method() != bhttp::verb::get && !head) {
    Response refusal = Response::text("Method Not Allowed\n", 405);
    refusal.headers.emplace_back("Allow", "GET, HEAD");
    send(std::move(refusal), keep_alive, false);
    return;
  }
  if (const Handler* handler = router.handler_for(path)) {
    send((*handler)(to_request(request, remote_address_)), keep_alive, head);
    return;
  }
  send(router.static_file(
           {path, request[bhttp::field::accept_encoding], request[bhttp::field::if_none_match]}),
       keep_alive, head);
}

template <class Stream>
void HttpConnection<Stream>::on_engine_request(engineio::Server& engine, bool keep_alive,
                                               http::Request ereq) {
  held_ = true;
  ++poll_generation_;
  engineio::PollAbort hook = engine.handle_http(
      std::move(ereq), [self = this->shared_from_this(), keep_alive](http::Response r) {
        if (!self->held_) return;
        self->held_ = false;
        self->abort_ = nullptr;
        ++self->poll_generation_;
        self->send(std::move(r), keep_alive, false);
      });
  if (held_) {
    abort_ = std::move(hook);
    watch_for_abort();
  }
}

// While a poll is held the client sends nothing; readability then means it hung up.
template <class Stream>
void HttpConnection<Stream>::watch_for_abort() {
  auto& socket = beast::get_lowest_layer(stream_).socket();
  socket.async_wait(
      boost::asio::socket_base::wait_read,
      [self = this->shared_from_this(), generation = poll_generation_](beast::error_code ec) {
        if (!self->held_ || generation != self->poll_generation_) return;
        beast::error_code available_ec;
        auto& s = beast::get_lowest_layer(self->stream_).socket();
        if (!ec && s.available(available_ec) > 0 && !available_ec) return;
        self->held_ = false;
        auto abort = std::move(self->abort_);
        self->close();
        if (abort) abort();
      });
}

template <class Stream>
void HttpConnection<Stream>::upgrade(engineio::Server& engine, BeastRequest request,
                                     http::Request ereq) {
  if (auto refusal = engine.check_websocket(ereq)) {
    send(std::move(*refusal), false, false);
    return;
  }
  upgraded_ = true;
  auto open = [&engine, ereq = std::move(ereq)](std::shared_ptr<engineio::WsChannel> ch) {
    return engine.open_websocket(ereq, std::move(ch));
  };
  // Plain TCP gets confab's lean framing; under TLS the stream's own state dwarfs Beast's.
  if constexpr (std::is_same_v<Stream, PlainStream>) {
    auto channel = std::make_shared<TcpWebSocketChannel>(
        stream_.release_socket(), engine.config().max_payload, state_, std::move(slot_),
        context_.limits.max_ws_backlog);
    channel->accept(std::move(request), std::move(open));
  } else {
    auto channel =
        std::make_shared<WebSocketChannel>(std::move(stream_), engine.config().max_payload, state_,
                                           std::move(slot_), context_.limits.max_ws_backlog);
    channel->accept(std::move(request), std::move(open));
  }
}

template <class Stream>
void HttpConnection<Stream>::send(Response response, bool keep_alive, bool head) {
  if (closed_) return;
  auto res = std::make_shared<bhttp::response<bhttp::string_body>>(
      static_cast<bhttp::status>(response.status), 11);
  res->set(bhttp::field::server, "confab");
  res->set(bhttp::field::content_type, response.content_type);
  for (const auto& [name, value] : context_.router.default_headers()) res->set(name, value);
  for (const auto& [name, value] : response.headers) res->set(name, value);
  res->keep_alive(keep_alive);
  if (head) {
    res->content_length(response.body.size());
  } else {
    res->body() = std::move(response.body);
    res->prepare_payload();
  }
  beast::get_lowest_layer(stream_).expires_after(context_.limits.idle_timeout);
  ++state_->traffic.responses_in_flight;
  bhttp::async_write(
      stream_, *res,
      [self = this->shared_from_this(), res, keep_alive](beast::error_code ec, std::size_t n) {
        --self->state_->traffic.responses_in_flight;
        self->state_->traffic.bytes_sent += n;
        if (ec || !keep_alive) {
          self->close();
        } else {
          self->read_request();
        }
      });
}

template <class Stream>
void HttpConnection<Stream>::close() {
  if (closed_ || upgraded_) return;
  closed_ = true;
  beast::error_code ignored;
  auto& socket = beast::get_lowest_layer(stream_).socket();
  socket.shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
  socket.close(ignored);
}

template class HttpConnection<PlainStream>;
template class HttpConnection<TlsStream>;

}  // namespace confab::http
