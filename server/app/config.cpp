#include "app/config.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/ip/address.hpp>
#include <charconv>
#include <optional>

#include "http/origin_policy.hpp"

namespace confab::app {

std::optional<boost::asio::ip::tcp::endpoint> parse_listen_address(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port > 65535)
    return std::nullopt;
  boost::system::error_code bad;
  const auto address = boost::asio::ip::make_address(std::string(host), bad);
  if (bad) return std::nullopt;
  return boost::asio::ip::tcp::endpoint(address, static_cast<std::uint16_t>(port));
}

std::optional<int> parse_command_line(int argc, char** argv, Config& c) {
  CLI::App cli{"confab-server: self-hosted multi-party video meetings"};
  cli.add_option("--host", c.host, "Address to listen on")
      ->envname("CONFAB_HOST")
      ->capture_default_str();
  cli.add_option("--port", c.port, "TCP port (0: any free port)")
      ->envname("CONFAB_PORT")
      ->capture_default_str();
  cli.add_option("--web-root", c.web_root, "Directory of the built web app")
      ->envname("CONFAB_WEB_ROOT")
      ->capture_default_str();
  cli.add_option("--data-dir", c.data_dir, "Directory for the SQLite database")
      ->envname("CONFAB_DATA_DIR")
      ->capture_default_str();
  cli.add_option("--log-level", c.log_level, "trace, debug, info, warn, error, off")
      ->envname("CONFAB_LOG_LEVEL")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}))
      ->capture_default_str();
  auto* capacity = cli.add_option("--room-capacity", c.room_capacity,
                                  "Participants per room (default 16 without the SFU, 50 with it)")
                       ->envname("CONFAB_ROOM_CAPACITY")
                       ->check(CLI::Range(1, 1000))
                       ->capture_default_str();
  cli.add_option("--chat-history", c.chat_history, "Chat messages sent to a joining participant")
      ->envname("CONFAB_CHAT_HISTORY")
      ->check(CLI::Range(0, 1000))
      ->capture_default_str();
  cli.add_option("--stun", c.stun_urls,
                 "STUN server URL for clients (repeatable), e.g. stun:stun.example.org:3478")
      ->envname("CONFAB_STUN")
      ->delimiter(',');
  cli.add_option("--ping-interval-ms", c.ping_interval_ms, "Engine.IO heartbeat interval")
      ->envname("CONFAB_PING_INTERVAL_MS")
      ->check(CLI::Range(50, 600000))
      ->capture_default_str();
  cli.add_option("--ping-timeout-ms", c.ping_timeout_ms, "Engine.IO heartbeat timeout")
      ->envname("CONFAB_PING_TIMEOUT_MS")
      ->check(CLI::Range(50, 600000))
      ->capture_default_str();
  cli.add_option("--max-payload", c.max_payload, "Largest Engine.IO payload in bytes")
      ->envname("CONFAB_MAX_PAYLOAD")
      ->check(CLI::Range(1024, 100'000'000))
      ->capture_default_str();
  auto* cert =
      cli.add_option("--tls-cert", c.tls_cert, "PEM certificate chain: serve HTTPS and WSS")
          ->envname("CONFAB_TLS_CERT")
          ->check(CLI::ExistingFile);
  auto* key = cli.add_option("--tls-key", c.tls_key, "PEM private key for --tls-cert")
                  ->envname("CONFAB_TLS_KEY")
                  ->check(CLI::ExistingFile);
  cert->needs(key);
  key->needs(cert);
  cli.add_flag("--tls-self-signed", c.tls_self_signed,
               "Serve HTTPS with a self-signed certificate kept in <data-dir>/tls (for LAN use)")
      ->envname("CONFAB_TLS_SELF_SIGNED")
      ->excludes(cert);
  cli.add_flag("!--no-tls-redirect", c.tls_redirect_http,
               "With TLS, refuse plain HTTP instead of redirecting it")
      ->envname("CONFAB_TLS_REDIRECT");
  cli.add_option(
         "--allowed-origin", c.allowed_origins,
         "Extra Origin allowed to open sessions (repeatable), e.g. https://meet.example.org; "
         "the server's own origin is always allowed")
      ->envname("CONFAB_ALLOWED_ORIGINS")
      ->delimiter(',');
  cli.add_option(
         "--public-url", c.public_url,
         "URL browsers use, e.g. https://meet.example.org: the Origin check compares with it "
         "instead of the Host header")
      ->envname("CONFAB_PUBLIC_URL")
      ->check([](const std::string& url) {
        return http::origin_of_url(url) ? std::string() : "not an http(s) URL with a host";
      });
  cli.add_option(
         "--metrics-listen", c.metrics_listen,
         "ADDR:PORT (e.g. 127.0.0.1:9100) serving /metrics, which the public port then does not")
      ->envname("CONFAB_METRICS_LISTEN")
      ->check([](const std::string& value) {
        return parse_listen_address(value) ? std::string()
                                           : "expected ADDR:PORT, e.g. 127.0.0.1:9100";
      });
  cli.add_option("--max-connections-per-ip", c.max_connections_per_ip,
                 "Concurrent connections, and Engine.IO sessions, per address (0: no limit)")
      ->envname("CONFAB_MAX_CONNECTIONS_PER_IP")
      ->capture_default_str();
  // The old name first, hidden: the new one's environment variable wins when both are set.
  cli.add_option("--max-ws-backlog", c.max_backlog, "Old name of --max-backlog")
      ->envname("CONFAB_MAX_WS_BACKLOG")
      ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 32))
      ->group("");
  cli.add_option("--max-backlog", c.max_backlog,
                 "Bytes a client may leave unread (WebSocket or polling) before it is disconnected")
      ->envname("CONFAB_MAX_BACKLOG")
      ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 32))
      ->capture_default_str();
  cli.add_option(
         "--max-messages-per-second", c.max_messages_per_second,
         "Messages a connection may send per second before it is disconnected (0: no limit)")
      ->envname("CONFAB_MAX_MESSAGES_PER_SECOND")
      ->capture_default_str();
  cli.add_option("--message-burst", c.message_burst, "Messages a connection may send in a burst")
      ->envname("CONFAB_MESSAGE_BURST")
      ->capture_default_str();
  cli.add_option("--max-rooms", c.max_rooms, "Open rooms, server-wide")
      ->envname("CONFAB_MAX_ROOMS")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  cli.add_option("--max-participants", c.max_participants,
                 "Participants (in rooms or waiting), server-wide")
      ->envname("CONFAB_MAX_PARTICIPANTS")
      ->check(CLI::Range(1, 10'000'000))
      ->capture_default_str();
  cli.add_option("--max-chat-length", c.max_chat_length, "Longest chat message, in characters")
      ->envname("CONFAB_MAX_CHAT_LENGTH")
      ->check(CLI::Range(1, 100'000))
      ->capture_default_str();
  cli.add_option("--chat-rate", c.chat_rate,
                 "Chat messages per second per participant (0: no limit)")
      ->envname("CONFAB_CHAT_RATE")
      ->check(CLI::Range(0.0, 1000.0))
      ->capture_default_str();
  cli.add_option("--chat-burst", c.chat_burst, "Chat messages a participant may send at once")
      ->envname("CONFAB_CHAT_BURST")
      ->check(CLI::Range(1.0, 10'000.0))
      ->capture_default_str();
  cli.add_option("--chat-retention-days", c.chat_retention_days,
                 "Days chat messages are kept before they are deleted (0: forever)")
      ->envname("CONFAB_CHAT_RETENTION_DAYS")
      ->check(CLI::Range(0, 36'500))
      ->capture_default_str();
  cli.add_option("--chat-max-per-room", c.chat_max_per_room,
                 "Chat messages kept per room; older ones are deleted (0: no cap)")
      ->envname("CONFAB_CHAT_MAX_PER_ROOM")
      ->check(CLI::Range(std::size_t{0}, std::size_t{10'000'000}))
      ->capture_default_str();
  cli.add_option("--max-knocks-per-address", c.max_knocks_per_address,
                 "Participants from one address that may wait at one room's waiting room")
      ->envname("CONFAB_MAX_KNOCKS_PER_ADDRESS")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000}))
      ->capture_default_str();
  cli.add_option("--jwt-secret", c.jwt_secret,
                 "HS256 secret for join tokens (>= 16 characters); default: <data-dir>/jwt.secret, "
                 "generated on first start")
      ->envname("CONFAB_JWT_SECRET");
  auto* turn_url = cli.add_option("--turn-url,--turn", c.turn_urls,
                                  "TURN server URL for clients (repeatable), e.g. "
                                  "turn:turn.example.org:3478?transport=udp")
                       ->envname("CONFAB_TURN")
                       ->delimiter(',');
  auto* turn_secret = cli.add_option("--turn-secret", c.turn_secret,
                                     "TURN REST API shared secret (coturn static-auth-secret)")
                          ->envname("CONFAB_TURN_SECRET");
  turn_url->needs(turn_secret);
  cli.add_option("--turn-ttl", c.turn_ttl_s, "Lifetime of TURN credentials in seconds")
      ->envname("CONFAB_TURN_TTL")
      ->check(CLI::Range(60, 7 * 86'400))
      ->capture_default_str();

  cli.add_flag("!--no-sfu", c.sfu,
               "Every room stays a peer-to-peer mesh (no media through the server)")
      ->envname("CONFAB_SFU");
  cli.add_option("--mesh-max", c.mesh_max,
                 "Rooms of up to N participants stay a peer-to-peer mesh; bigger ones use the SFU "
                 "(0: every room on the SFU)")
      ->envname("CONFAB_MESH_MAX")
      ->check(CLI::Range(0, 1000))
      ->capture_default_str();
  cli.add_option("--last-n", c.last_n,
                 "In SFU rooms each participant receives the cameras of the N most recent "
                 "speakers, plus the ones it pinned; screen shares and audio are never cut (0: "
                 "every camera; the default fills the web client's 3x3 grid page)")
      ->envname("CONFAB_LAST_N")
      ->check(CLI::Range(0, 1000))
      ->capture_default_str();
  cli.add_option(
         "--rtc-port", c.rtc_port,
         "UDP port of the SFU's media (worker i uses port + i); default: the same number as --port")
      ->envname("CONFAB_RTC_PORT")
      ->check(CLI::Range(0, 65535));
  cli.add_option("--rtc-listen", c.rtc_listen,
                 "Address the SFU's UDP socket binds to; default: --host (behind a proxy on "
                 "127.0.0.1, set 0.0.0.0 here: media does not pass the proxy)")
      ->envname("CONFAB_RTC_LISTEN");
  cli.add_option(
         "--rtc-announced-address", c.rtc_announced_addresses,
         "Address put in the SFU's ICE candidates (repeatable), e.g. the public IP; default: "
         "the host's addresses (loopback when --host is loopback)")
      ->envname("CONFAB_RTC_ANNOUNCED_ADDRESS")
      ->delimiter(',');
  cli.add_option("--rtc-workers", c.rtc_workers, "SFU media worker threads (one UDP port each)")
      ->envname("CONFAB_RTC_WORKERS")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();

  auto* token = cli.add_subcommand(
      "token", "Print a signed join token and exit (uses --jwt-secret or --data-dir)");
  token->fallthrough();  // --data-dir and --jwt-secret may come after `token` too
  token->add_option("--room", c.token.room, "Room the token admits to")->required();
  token->add_option("--name", c.token.name, "Display name of the bearer")->required();
  token->add_option("--role", c.token.role, "host or guest")
      ->check(CLI::IsMember({"host", "guest"}))
      ->capture_default_str();
  token->add_option("--ttl", c.token.ttl_s, "Seconds until the token expires")
      ->check(CLI::Range(1, 365 * 86'400))
      ->capture_default_str();
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }
  c.token.requested = token->parsed();
  if (c.sfu && capacity->count() == 0) c.room_capacity = 50;
  if (c.rtc_port < 0) c.rtc_port = c.port;
  if (c.rtc_listen.empty()) c.rtc_listen = c.host;
  return std::nullopt;
}

}  // namespace confab::app
