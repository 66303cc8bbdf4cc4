#include "engineio/server.hpp"

#include "common/random.hpp"
#include "engineio/http_answers.hpp"

namespace confab::engineio {

namespace {

std::string_view query_value(const http::Request& request, std::string_view key) {
  auto it = request.query.find(key);
  return it == request.query.end() ? std::string_view{} : std::string_view{it->second};
}

// Routes a WebSocket's frames: to the session's transport, or to its upgrade probe.
class SessionWsHandler final : public WsHandler {
 public:
  SessionWsHandler(std::weak_ptr<Session> session, const WsChannel* channel)
      : session_(std::move(session)), channel_(channel) {}

  void on_frame(std::string_view frame, bool binary) override {
    auto session = session_.lock();
    if (!session) return;
    if (session->owns_ws(channel_)) {
      session->on_ws_frame(frame, binary);
    } else if (!binary) {
      session->on_probe_frame(channel_, frame);
    }
  }

  void on_close() override {
    auto session = session_.lock();
    if (!session) return;
    if (session->owns_ws(channel_)) {
      session->on_ws_closed();
    } else {
      session->on_probe_closed(channel_);
    }
  }

 private:
  std::weak_ptr<Session> session_;
  const WsChannel* channel_;  // identity only; the http layer owns the channel
};

}  // namespace

Server::Server(boost::asio::io_context& io, ServerConfig config) : io_(io), config_(config) {}

Server::~Server() {
  for (auto& [sid, session] : sessions_) session->set_listener(nullptr);
}

std::shared_ptr<Session> Server::find(const std::string& sid) const {
  auto it = sessions_.find(sid);
  return it == sessions_.end() ? nullptr : it->second;
}

std::optional<http::Response> Server::validate(const http::Request& request,
                                               std::string_view transport) const {
  if (query_value(request, "EIO") != "4") {
    return error_response(400, 5, "Unsupported protocol version");
  }
  const std::string_view asked = query_value(request, "transport");
  if (asked != "polling" && asked != "websocket") {
    return error_response(400, 0, "Transport unknown");
  }
  if (asked != transport) return error_response(400, 3, "Bad request");
  auto sid = request.query.find("sid");
  if (sid != request.query.end()) {
    if (!sessions_.contains(sid->second)) return error_response(400, 1, "Session ID unknown");
    return std::nullopt;
  }
  if (request.method != "GET") return error_response(400, 2, "Bad handshake method");
  if (admission_) {
    if (auto refusal = admission_(request)) return error_response(403, 4, *refusal);
  }
  if (config_.max_sessions_per_address != 0 &&
      sessions_from(request.remote_address) >= config_.max_sessions_per_address) {
    ++counters_.sessions_refused;
    return error_response(429, 4, "Too many sessions from your address");
  }
  return std::nullopt;
}

std::size_t Server::sessions_from(const std::string& address) const {
  auto it = per_address_.find(address);
  return it == per_address_.end() ? 0 : it->second;
}

std::shared_ptr<Session> Server::create_session(const http::Request& request,
                                                TransportKind transport) {
  std::string sid = common::secure_random_id();
  ++per_address_[request.remote_address];
  auto session = std::make_shared<Session>(
      io_, sid, config_, transport, request,
      [this, address = request.remote_address](const std::string& id) {
        sessions_.erase(id);
        if (auto it = per_address_.find(address); it != per_address_.end() && --it->second == 0) {
          per_address_.erase(it);
        }
      },
      &counters_);
  sessions_.emplace(std::move(sid), session);
  return session;
}

PollAbort Server::handle_http(http::Request request, PollResponder respond) {
  if (auto error = validate(request, "polling")) {
    respond(std::move(*error));
    return {};
  }
  auto sid = request.query.find("sid");
  if (sid == request.query.end()) {
    auto session = create_session(request, TransportKind::polling);
    session->start(nullptr);
    respond(text_response(encode_text(Packet::of(PacketType::open, session->open_packet_json()))));
    if (on_connection_) on_connection_(*session);
    return {};
  }
  auto session = find(sid->second);
  if (request.method == "GET") {
    session->on_poll(std::move(respond));
    return [weak = std::weak_ptr<Session>(session)] {
      if (auto s = weak.lock()) s->on_poll_aborted();
    };
  }
  if (request.method == "POST") {
    respond(session->on_post(request.body));
    return {};
  }
  respond(error_response(400, 3, "Bad request"));
  return {};
}

// A known session that cannot take this upgrade (already upgraded, or probing another
// WebSocket) is not refused here: as the reference server does, the upgrade is accepted
// and open_websocket closes that socket, leaving the session's own transport untouched.
std::optional<http::Response> Server::check_websocket(const http::Request& request) const {
  return validate(request, "websocket");
}

std::shared_ptr<WsHandler> Server::open_websocket(const http::Request& request,
                                                  std::shared_ptr<WsChannel> channel) {
  auto sid = request.query.find("sid");
  if (sid == request.query.end()) {
    auto session = create_session(request, TransportKind::websocket);
    const WsChannel* identity = channel.get();
    session->start(std::move(channel));
    if (on_connection_) on_connection_(*session);
    return std::make_shared<SessionWsHandler>(session, identity);
  }
  auto session = find(sid->second);
  if (!session || !session->begin_probe(channel)) {
    channel->close();
    return nullptr;
  }
  return std::make_shared<SessionWsHandler>(session, channel.get());
}

void Server::close_all() {
  std::vector<std::shared_ptr<Session>> all;
  all.reserve(sessions_.size());
  for (auto& [sid, session] : sessions_) all.push_back(session);
  for (auto& session : all) session->close("server shutting down");
}

}  // namespace confab::engineio
