#include <CLI/CLI.hpp>
#include <optional>

#include "app/config.hpp"

namespace confab::app {

std::optional<int> parse_command_line(int argc, char** argv, Config& c) {
  CLI::App cli{"confab-server: self-hosted multi-party video meetings"};
  cli.add_option("--host", c.host, "Address to listen on")->envname("CONFAB_HOST")->capture_default_str();
  cli.add_option("--port", c.port, "TCP port (0: any free port)")->envname("CONFAB_PORT")->capture_default_str();
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
  cli.add_option("--room-capacity", c.room_capacity, "Participants per room")
      ->envname("CONFAB_ROOM_CAPACITY")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cli.add_option("--chat-history", c.chat_history, "Chat messages sent to a joining participant")
      ->envname("CONFAB_CHAT_HISTORY")
      ->check(CLI::Range(0, 1000))
      ->capture_default_str();
  cli.add_option("--stun", c.stun_urls, "STUN server URL for clients (repeatable), e.g. stun:stun.example.org:3478")
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
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }
  return std::nullopt;
}

}  // namespace confab::app
