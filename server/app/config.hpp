#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace confab::app {

struct Config {
  std::string host = "0.0.0.0";
  std::uint16_t port = 8080;
  std::string web_root = "web/dist";
  std::string data_dir = "data";
  std::string log_level = "info";
  std::size_t room_capacity = 16;
  std::size_t chat_history = 50;
  std::vector<std::string> stun_urls;
  int ping_interval_ms = 25000;
  int ping_timeout_ms = 20000;
  std::size_t max_payload = 1'000'000;
};

// Parses flags (each with a CONFAB_* environment variable). Returns an exit code
// when the process should stop at once (--help, bad flags).
std::optional<int> parse_command_line(int argc, char** argv, Config& config);

}  // namespace confab::app
