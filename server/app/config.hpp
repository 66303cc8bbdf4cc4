#pragma once
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace confab::app {

// `confab-server token --room R --name N [--role host] [--ttl 3600]`: print a join token, exit.
struct TokenCommand {
  bool requested = false;
  std::string room;
  std::string name;
  std::string role = "guest";
  std::int64_t ttl_s = 3600;
};

struct Config {
  std::string host = "0.0.0.0";
  std::uint16_t port = 8080;
  std::string web_root = "web/dist";
  std::string data_dir = "data";
  std::string log_level = "info";
  std::size_t room_capacity = 16;  // 50 when the SFU is on and no capacity is given
  std::size_t chat_history = 50;
  std::vector<std::string> stun_urls;
  int ping_interval_ms = 25000;
  int ping_timeout_ms = 20000;
  std::size_t max_payload = 1'000'000;
  // TLS: a certificate and key, or a generated self-signed pair in <data-dir>/tls.
  std::string tls_cert;
  std::string tls_key;
  bool tls_self_signed = false;
  bool tls_redirect_http = true;
  // Abuse limits.
  std::vector<std::string> allowed_origins;  // besides the server's own origin
  // The URL browsers use (https://meet.example.org): the Origin is checked against it instead
  // of the Host header. Empty: Host.
  std::string public_url;
  // ADDR:PORT serving /metrics instead of the public port; empty: the public port.
  std::string metrics_listen;
  std::size_t max_connections_per_ip = 64;
  // Bytes a client may leave unread (WebSocket write queue, or polling queue) before it is
  // dropped.
  std::size_t max_backlog = 4 * 1024 * 1024;
  double max_messages_per_second = 100;
  double message_burst = 300;
  // Meeting limits.
  std::size_t max_rooms = 1000;
  std::size_t max_participants = 10'000;
  std::size_t max_chat_length = 2000;
  double chat_rate = 5;  // messages per second per participant
  double chat_burst = 10;
  int chat_retention_days = 30;            // 0: keep chat forever
  std::size_t chat_max_per_room = 10'000;  // 0: no cap
  std::size_t max_knocks_per_address = 5;
  // Join tokens and TURN.
  std::string jwt_secret;  // empty: <data-dir>/jwt.secret, generated on first start
  std::vector<std::string> turn_urls;
  std::string turn_secret;
  std::int64_t turn_ttl_s = 86'400;
  // The SFU: rooms above mesh_max members forward media through confab's media workers.
  bool sfu = true;
  int rtc_port = -1;                                 // UDP; -1: the same number as `port`
  std::string rtc_listen;                            // empty: `host`
  std::vector<std::string> rtc_announced_addresses;  // empty: the host's own
  std::size_t rtc_workers = 1;
  std::size_t mesh_max = 4;
  std::size_t last_n = 9;  // cameras per subscriber in SFU rooms, besides pins; 0: all
  TokenCommand token;
};

// `ADDR:PORT` or `[V6ADDR]:PORT` (port 0: any free port); nullopt when malformed.
std::optional<boost::asio::ip::tcp::endpoint> parse_listen_address(std::string_view text);

// Parses flags (each with a CONFAB_* environment variable). Returns an exit code
// when the process should stop at once (--help, bad flags).
std::optional<int> parse_command_line(int argc, char** argv, Config& config);

}  // namespace confab::app
