#include "http/http_connection.hpp"

#include <boost/asio/socket_base.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "http/websocket_channel.hpp"

namespace confab::http {

namespace beast = boost::beast;
namespace bhttp = beast::http;

engineio::HttpRequest to_engine_request(const bhttp::request<bhttp::string_body>& request,
                                        std::string remote_address) {
  engineio::HttpRequest out;
  out.method = std::string(request.method_string());
  const std::string_view target = request.target();
  const size_t q = target.find('?');
  if (q != std::string_view::npos) out.query = engineio::parse_query(target.substr(q + 1));
  out.origin = std::string(request[bhttp::field::origin]);
  out.remote_address = std::move(remote_address);
  for (std::string_view name : {"x-forwarded-for", "user-agent"}) {
    if (auto it = request.find(name); it != request.end()) out.headers.emplace(name, std::string(it->value()));
  }
  return out;
}

HttpConnection::HttpConnection(boost::asio::ip::tcp::socket socket, const Router& router,
                               ConnectionLimits limits, Traffic& traffic)
    : stream_(std::move(socket)), router_(router), limits_(limits), traffic_(traffic) {
  beast::error_code ec;
  auto endpoint = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_address_ = endpoint.address().to_string();
  ++traffic_.connections_open;
  ++traffic_.connections_total;
}

HttpConnection::~HttpConnection() { --traffic_.connections_open; }

void HttpConnection::start() { read_request(); }

void HttpConnection::read_request() {
  parser_.emplace();
  parser_->header_limit(16 * 1024);
  parser_->body_limit(limits_.max_body + 1024);
  stream_.expires_after(limits_.idle_timeout);
  bhttp::async_read(stream_, buffer_, *parser_,
                    [self = shared_from_this()](beast::error_code ec, std::size_t bytes) {
                      self->traffic_.bytes_received += bytes;
                      if (ec == bhttp::error::body_limit) {
                        self->send(Response::text("Payload Too Large\n", 413), false, false);
                        return;
                      }
                      if (ec) {
                        self->close();
                        return;
                      }
                      self->on_request(self->parser_->release());
                    });
}

void HttpConnection::on_request(Request request) {
  ++traffic_.http_requests;
  stream_.expires_never();
  const std::string_view target = request.target();
  const std::string path = engineio::percent_decode(target.substr(0, target.find('?')));
  const bool keep_alive = request.keep_alive();
  const bool head = request.method() == bhttp::verb::head;

  if (engineio::Server* engine = router_.engine_for(path)) {
    engineio::HttpRequest ereq = to_engine_request(request, remote_address_);
    ereq.body = std::move(request.body());
    if (beast::websocket::is_upgrade(request)) {
      upgrade(*engine, std::move(request), std::move(ereq));
    } else {
      on_engine_request(*engine, request, std::move(ereq));
    }
    return;
  }
  if (const Handler* handler = router_.handler_for(path)) {
    send((*handler)(to_engine_request(request, remote_address_)), keep_alive, head);
    return;
  }
  if (request.method() != bhttp::verb::get && !head) {
    send(Response::text("Method Not Allowed\n", 405), keep_alive, false);
    return;
  }
  send(router_.static_file({path, request[bhttp::field::accept_encoding], request[bhttp::field::if_none_match]}),
       keep_alive, head);
}

void HttpConnection::on_engine_request(engineio::Server& engine, Request& request,
                                       engineio::HttpRequest ereq) {
  const bool keep_alive = request.keep_alive();
  held_ = true;
  ++poll_generation_;
  engineio::PollAbort hook = engine.handle_http(
      std::move(ereq), [self = shared_from_this(), keep_alive](engineio::HttpResponse r) {
        if (!self->held_) return;
        self->held_ = false;
        self->abort_ = nullptr;
        ++self->poll_generation_;
        self->send(Response{r.status, std::move(r.content_type), std::move(r.body), {}}, keep_alive, false);
      });
  if (held_) {
    abort_ = std::move(hook);
    watch_for_abort();
  }
}

// While a poll is held the client sends nothing; readability then means it hung up.
void HttpConnection::watch_for_abort() {
  stream_.socket().async_wait(
      boost::asio::socket_base::wait_read,
      [self = shared_from_this(), generation = poll_generation_](beast::error_code ec) {
        if (!self->held_ || generation != self->poll_generation_) return;
        beast::error_code available_ec;
        if (!ec && self->stream_.socket().available(available_ec) > 0 && !available_ec) return;
        self->held_ = false;
        auto abort = std::move(self->abort_);
        self->close();
        if (abort) abort();
      });
}

void HttpConnection::upgrade(engineio::Server& engine, Request request, engineio::HttpRequest ereq) {
  if (auto refusal = engine.check_websocket(ereq)) {
    send(Response{refusal->status, std::move(refusal->content_type), std::move(refusal->body), {}}, false, false);
    return;
  }
  upgraded_ = true;
  auto channel = std::make_shared<WebSocketChannel>(std::move(stream_), engine.config().max_payload, traffic_);
  channel->accept(std::move(request), [&engine, ereq = std::move(ereq)](std::shared_ptr<WebSocketChannel> ch) {
    return engine.open_websocket(ereq, std::move(ch));
  });
}

void HttpConnection::send(Response response, bool keep_alive, bool head) {
  if (closed_) return;
  auto res = std::make_shared<bhttp::response<bhttp::string_body>>(
      static_cast<bhttp::status>(response.status), 11);
  res->set(bhttp::field::server, "confab");
  res->set(bhttp::field::content_type, response.content_type);
  for (const auto& [name, value] : router_.default_headers()) res->set(name, value);
  for (const auto& [name, value] : response.headers) res->set(name, value);
  res->keep_alive(keep_alive);
  if (head) {
    res->content_length(response.body.size());
  } else {
    res->body() = std::move(response.body);
    res->prepare_payload();
  }
  stream_.expires_after(limits_.idle_timeout);
  bhttp::async_write(stream_, *res, [self = shared_from_this(), res, keep_alive](beast::error_code ec, std::size_t bytes) {
    self->traffic_.bytes_sent += bytes;
    if (ec || !keep_alive) {
      self->close();
      return;
    }
    self->read_request();
  });
}

void HttpConnection::close() {
  if (closed_ || upgraded_) return;
  closed_ = true;
  beast::error_code ignored;
  stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
  stream_.close();
}

}  // namespace confab::http
