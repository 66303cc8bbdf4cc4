#pragma once
#include <chrono>
#include <cstddef>

namespace confab::engineio {

struct ServerConfig {
  std::chrono::milliseconds ping_interval{25000};
  std::chrono::milliseconds ping_timeout{20000};
  std::size_t max_payload = 1'000'000;  // bytes of one polling body or one WebSocket frame
  bool allow_upgrades = true;
};

}  // namespace confab::engineio
