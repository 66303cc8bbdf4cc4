#include "app/app.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "app/join_tokens.hpp"
#include "http/tls_context.hpp"

namespace confab::app {

namespace {

std::filesystem::path ensure_directory(const std::string& dir) {
  std::filesystem::create_directories(dir);
  return dir;
}

std::unique_ptr<sfu::Sfu> make_sfu(const Config& c, boost::asio::io_context& io) {
  if (!c.sfu) return nullptr;
  sfu::SfuOptions options;
  options.listen_address = c.rtc_listen;
  options.port = static_cast<std::uint16_t>(c.rtc_port);
  options.workers = c.rtc_workers;
  options.announced_addresses = c.rtc_announced_addresses;
  auto sfu = std::make_unique<sfu::Sfu>(
      std::move(options), [&io](std::function<void()> f) { boost::asio::post(io, std::move(f)); });
  std::string ports;
  for (const auto port : sfu->ports()) ports += (ports.empty() ? "" : ",") + std::to_string(port);
  spdlog::info("SFU media on UDP {}:{} ({} worker{}), rooms above {} participants", c.rtc_listen,
               ports, c.rtc_workers, c.rtc_workers == 1 ? "" : "s", c.mesh_max);
  return sfu;
}

meeting::MeetingConfig meeting_config(const Config& c, http::Metrics& metrics, sfu::Sfu* sfu) {
  meeting::MeetingConfig m;
  m.media_router = sfu;
  m.mesh_max = c.mesh_max;
  m.last_n = c.last_n;
  m.room_capacity = c.room_capacity;
  m.chat_history_length = c.chat_history;
  if (!c.stun_urls.empty()) m.ice_servers = nlohmann::json::array({{{"urls", c.stun_urls}}});
  m.turn = meeting::TurnConfig{c.turn_urls, c.turn_secret, c.turn_ttl_s};
  m.jwt_secret = resolve_jwt_secret(c);
  m.max_rooms = c.max_rooms;
  m.max_participants = c.max_participants;
  m.max_chat_length = c.max_chat_length;
  m.chat_rate = common::RateLimit{c.chat_rate, c.chat_burst};
  m.chat_retention_ms = std::int64_t{c.chat_retention_days} * 24 * 3600 * 1000;
  m.chat_max_per_room = c.chat_max_per_room;
  m.max_knocks_per_address = c.max_knocks_per_address;
  m.on_internal_error = [&metrics](std::string_view event, std::string_view what) {
    spdlog::error("meeting event {} failed: {}", event, what);
    metrics.inc("confab_errors_total", "kind=\"internal\"");
  };
  return m;
}

}  // namespace

App::App(const Config& config)
    : config_(config),
      engine_(io_, engineio::ServerConfig{std::chrono::milliseconds(config.ping_interval_ms),
                                          std::chrono::milliseconds(config.ping_timeout_ms),
                                          config.max_payload, true, config.max_backlog,
                                          config.max_connections_per_ip}),
      sio_(io_, engine_,
           socketio::ServerOptions{std::chrono::seconds(45), 10,
                                   [this](std::string_view kind, std::string_view detail) {
                                     spdlog::debug("socket.io {} error: {}", kind, detail);
                                     metrics_.inc("confab_errors_total",
                                                  fmt::format("kind=\"{}\"", kind));
                                   },
                                   config.max_messages_per_second, config.message_burst}),
      store_(ensure_directory(config.data_dir)),
      outbox_(io_, sio_.of("/")),
      sfu_(make_sfu(config, io_)),
      meeting_(outbox_, store_, meeting_config(config, metrics_, sfu_.get()), clock_, random_),
      gateway_(sio_.of("/"), meeting_),
      origins_(config.allowed_origins, config.public_url.empty()
                                           ? std::string()
                                           : http::origin_of_url(config.public_url).value_or("")),
      signals_(io_, SIGINT, SIGTERM),
      drain_timer_(io_),
      prune_timer_(io_) {
  if (sfu_) sfu_->set_events(&meeting_.media_events());
  add_routes();
  engine_.set_admission_check([this](const http::Request& request) -> std::optional<std::string> {
    if (origins_.allows(request)) return std::nullopt;
    metrics_.inc("confab_errors_total", "kind=\"origin\"");
    spdlog::warn("refused a session from origin {}", request.origin);
    return "Origin not allowed";
  });
  router_.mount_engine("/socket.io/", engine_);
  router_.serve_static(config.web_root);
  http::ListenerOptions options = listener_options();
  add_security_headers(options.tls != nullptr);
  const auto address = boost::asio::ip::make_address(config.host);
  listener_ = std::make_unique<http::Listener>(
      io_, router_, boost::asio::ip::tcp::endpoint(address, config.port), std::move(options));
  if (!config.metrics_listen.empty()) {
    const auto endpoint = parse_listen_address(config.metrics_listen);
    if (!endpoint) throw std::invalid_argument("--metrics-listen: expected ADDR:PORT");
    http::ListenerOptions metrics_options;
    metrics_options.limits.max_body = 0;
    metrics_listener_ =
        std::make_unique<http::Listener>(io_, metrics_router_, *endpoint, metrics_options);
  }
}

http::ListenerOptions App::listener_options() {
  http::ListenerOptions options;
  options.limits = {config_.max_payload, std::chrono::seconds(30), config_.max_connections_per_ip,
                    config_.max_backlog};
  options.redirect_http = config_.tls_redirect_http;
  if (config_.tls_self_signed) {
    const auto files = http::ensure_self_signed(std::filesystem::path(config_.data_dir) / "tls");
    spdlog::info("TLS with the self-signed certificate {}", files.cert.string());
    options.tls = http::make_tls_context(files);
  } else if (!config_.tls_cert.empty()) {
    options.tls = http::make_tls_context({config_.tls_cert, config_.tls_key});
  }
  return options;
}

// The app has no inline scripts; Ant Design injects styles at run time, hence
// 'unsafe-inline' for styles only.
void App::add_security_headers(bool tls) {
  router_.add_default_header("X-Content-Type-Options", "nosniff");
  router_.add_default_header("Referrer-Policy", "no-referrer");
  router_.add_default_header("X-Frame-Options", "DENY");
  router_.add_default_header(
      "Permissions-Policy",
      "camera=(self), microphone=(self), display-capture=(self), fullscreen=(self)");
  router_.add_default_header(
      "Content-Security-Policy",
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
      "img-src 'self' data: blob:; media-src 'self' blob:; font-src 'self' data:; "
      "connect-src 'self' ws: wss:; object-src 'none'; base-uri 'self'; "
      "form-action 'self'; frame-ancestors 'none'");
  if (tls) router_.add_default_header("Strict-Transport-Security", "max-age=15552000");
}

void App::add_sfu_metrics() {
  metrics_.gauge("confab_sfu_transports", "SFU transports open", [this] {
    return static_cast<double>(sfu_->total(&sfu::SfuCounters::transports));
  });
  metrics_.gauge("confab_sfu_producers", "SFU producers (published streams)",
                 [this] { return static_cast<double>(sfu_->total(&sfu::SfuCounters::producers)); });
  metrics_.gauge("confab_sfu_consumers", "SFU consumers (forwarded streams)",
                 [this] { return static_cast<double>(sfu_->total(&sfu::SfuCounters::consumers)); });
  metrics_.counter("confab_rtp_packets_total", "RTP packets through the SFU, by direction");
  metrics_.counter("confab_rtp_bytes_total", "RTP bytes through the SFU, by direction");
  metrics_.counter("confab_rtcp_packets_total", "RTCP packets through the SFU, by direction");
  metrics_.counter("confab_nacks_total",
                   "Sequence numbers NACKed: received from subscribers, sent to publishers");
  metrics_.counter("confab_retransmissions_total",
                   "Packets the SFU resent to subscribers from its buffer");
  metrics_.counter("confab_keyframe_requests_total", "PLIs the SFU sent to publishers");
  metrics_.counter("confab_sfu_layer_switches_total",
                   "Simulcast layer switches of consumers (tile size or bandwidth)");
  metrics_.counter("confab_dtls_failures_total", "DTLS handshakes that failed");
  metrics_.counter("confab_sfu_datagrams_dropped_total", "Datagrams the SFU dropped, by reason");
}

void App::render_sfu_metrics() {
  using C = sfu::SfuCounters;
  const auto set = [this](const char* name, const char* labels, auto counter) {
    metrics_.set(name, labels, sfu_->total(counter));
  };
  set("confab_rtp_packets_total", "direction=\"in\"", &C::rtp_packets_in);
  set("confab_rtp_packets_total", "direction=\"out\"", &C::rtp_packets_out);
  set("confab_rtp_bytes_total", "direction=\"in\"", &C::rtp_bytes_in);
  set("confab_rtp_bytes_total", "direction=\"out\"", &C::rtp_bytes_out);
  set("confab_rtcp_packets_total", "direction=\"in\"", &C::rtcp_packets_in);
  set("confab_rtcp_packets_total", "direction=\"out\"", &C::rtcp_packets_out);
  set("confab_nacks_total", "direction=\"received\"", &C::nacks_received);
  set("confab_nacks_total", "direction=\"sent\"", &C::nacks_sent);
  set("confab_retransmissions_total", "", &C::retransmissions);
  set("confab_keyframe_requests_total", "", &C::keyframe_requests);
  set("confab_sfu_layer_switches_total", "", &C::layer_switches);
  set("confab_dtls_failures_total", "", &C::dtls_failures);
  for (std::size_t i = 0; i < static_cast<std::size_t>(sfu::DropReason::count_); ++i) {
    const auto reason = static_cast<sfu::DropReason>(i);
    metrics_.set("confab_sfu_datagrams_dropped_total",
                 fmt::format("reason=\"{}\"", sfu::to_string(reason)), sfu_->dropped(reason));
  }
}

void App::add_routes() {
  if (sfu_) add_sfu_metrics();
  metrics_.counter("confab_errors_total", "Errors by kind (protocol, handler, internal)");
  metrics_.counter("confab_meeting_errors_total", "Meeting requests refused, by error code");
  metrics_.counter("confab_messages_relayed_total",
                   "offer/answer/ice_candidate messages delivered");
  metrics_.counter("confab_chat_messages_total", "Chat messages posted");
  metrics_.counter(
      "confab_chat_messages_pruned_total",
      "Chat messages deleted by retention (--chat-retention-days, --chat-max-per-room)");
  metrics_.counter(
      "confab_meeting_limits_total",
      "Meeting requests refused by an abuse limit, by limit (see docs/threat-model.md)");
  metrics_.counter("confab_bytes_received_total", "Bytes read from clients");
  metrics_.counter("confab_bytes_sent_total", "Bytes written to clients");
  metrics_.counter("confab_http_requests_total", "HTTP requests served");
  metrics_.counter("confab_connections_total", "TCP connections accepted");
  metrics_.counter("confab_connections_refused_total",
                   "Connections refused by the per-address limit");
  metrics_.counter(
      "confab_slow_clients_dropped_total",
      "Clients (WebSocket or polling) dropped for leaving more than the backlog limit unread");
  metrics_.counter(
      "confab_sessions_refused_total",
      "Engine.IO sessions refused by the per-address limit (--max-connections-per-ip)");
  metrics_.gauge("confab_connections", "Open TCP connections (HTTP and WebSocket)", [this] {
    const auto& t = listener_->traffic();
    return static_cast<double>(t.connections_open + t.websockets_open);
  });
  metrics_.gauge("confab_sessions", "Open Engine.IO sessions",
                 [this] { return static_cast<double>(engine_.session_count()); });
  metrics_.gauge("confab_rooms", "Rooms with participants",
                 [this] { return static_cast<double>(meeting_.stats().rooms); });
  metrics_.gauge("confab_participants", "Participants in rooms",
                 [this] { return static_cast<double>(meeting_.stats().participants); });
  metrics_.gauge("confab_waiting", "Participants in waiting rooms, not admitted yet",
                 [this] { return static_cast<double>(meeting_.stats().waiting); });

  router_.route("/healthz",
                [](const http::Request&) { return http::Response::json(R"({"status":"ok"})"); });
  // STUN only: TURN credentials come with a join (the join ack), never to anyone who asks.
  router_.route("/api/ice-servers", [this](const http::Request&) {
    const nlohmann::json body{{"ice_servers", meeting_.stun_servers()}};
    http::Response r = http::Response::json(body.dump());
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  });
  // Only on the metrics address when there is one: the numbers tell an attacker how close
  // the server is to its limits.
  http::Router& metrics_router = config_.metrics_listen.empty() ? router_ : metrics_router_;
  if (&metrics_router != &router_) {  // not the app's page either, which unknown paths get
    router_.route("/metrics",
                  [](const http::Request&) { return http::Response::text("Not Found\n", 404); });
  }
  metrics_router.route("/metrics", [this](const http::Request&) {
    http::Response r = http::Response::text(render_metrics());
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return r;
  });
}

std::string App::render_metrics() {
  const meeting::MeetingStats stats = meeting_.stats();
  metrics_.set("confab_messages_relayed_total", {}, stats.messages_relayed);
  metrics_.set("confab_chat_messages_total", {}, stats.chat_messages);
  metrics_.set("confab_chat_messages_pruned_total", {}, stats.chat_messages_pruned);
  for (const auto& [limit, count] : stats.limits_hit) {
    metrics_.set("confab_meeting_limits_total", fmt::format("limit=\"{}\"", limit), count);
  }
  for (const auto& [code, count] : stats.errors_by_code) {
    metrics_.set("confab_meeting_errors_total", fmt::format("code=\"{}\"", code), count);
  }
  const auto& t = listener_->traffic();
  metrics_.set("confab_bytes_received_total", {}, t.bytes_received);
  metrics_.set("confab_bytes_sent_total", {}, t.bytes_sent);
  metrics_.set("confab_http_requests_total", {}, t.http_requests);
  metrics_.set("confab_connections_total", {}, t.connections_total);
  metrics_.set("confab_connections_refused_total", {}, listener_->rejected_connections());
  metrics_.set("confab_slow_clients_dropped_total", {},
               t.slow_clients_dropped + engine_.counters().slow_clients_dropped);
  metrics_.set("confab_sessions_refused_total", {}, engine_.counters().sessions_refused);
  if (sfu_) render_sfu_metrics();
  return metrics_.render();
}

// Chat retention: at start, then hourly.
void App::prune_chat() {
  try {
    if (const std::size_t deleted = meeting_.prune_chat(); deleted > 0) {
      spdlog::info("chat retention deleted {} messages", deleted);
    }
  } catch (const std::exception& e) {
    spdlog::error("chat retention failed: {}", e.what());
    metrics_.inc("confab_errors_total", "kind=\"internal\"");
  }
  prune_timer_.expires_after(std::chrono::hours(1));
  prune_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) prune_chat();
  });
}

int App::run() {
  prune_chat();
  listener_->start();
  if (metrics_listener_) {
    metrics_listener_->start();
    spdlog::info("metrics served on http://{}/metrics (port {})", config_.metrics_listen,
                 metrics_listener_->port());
  }
  spdlog::info("confab listening on {}://{}:{} (web root {}, data {})",
               listener_->tls() ? "https" : "http", config_.host, listener_->port(),
               config_.web_root, config_.data_dir);
  signals_.async_wait([this](boost::system::error_code ec, int signal) {
    if (ec) return;
    spdlog::info("signal {}: shutting down", signal);
    shutdown();
  });
  io_.run();
  spdlog::info("confab stopped");
  return 0;
}

void App::shutdown() {
  prune_timer_.cancel();
  listener_->stop();
  if (metrics_listener_) metrics_listener_->stop();
  engine_.close_all();
  wait_for_drain(40);
}

// Gives the close packets up to two seconds to leave before the loop stops.
void App::wait_for_drain(int attempts_left) {
  const auto& t = listener_->traffic();
  if (attempts_left == 0 || (t.responses_in_flight == 0 && t.websockets_open == 0)) {
    io_.stop();
    return;
  }
  drain_timer_.expires_after(std::chrono::milliseconds(50));
  drain_timer_.async_wait([this, attempts_left](boost::system::error_code ec) {
    if (!ec) wait_for_drain(attempts_left - 1);
  });
}

}  // namespace confab::app
