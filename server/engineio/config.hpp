#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace confab::engineio {

struct ServerConfig {
  std::chrono::milliseconds ping_interval{25000};
  std::chrono::milliseconds ping_timeout{20000};
  std::size_t max_payload = 1'000'000;  // bytes of one polling body or one WebSocket frame
  bool allow_upgrades = true;
  // Bytes a polling client may leave queued (not fetched by a GET) before it is dropped;
  // 0: no limit. The WebSocket channels apply the same limit to their write queues.
  std::size_t max_backlog = 0;
  // Concurrent sessions one client address may open (0: no limit); more get 429.
  std::size_t max_sessions_per_address = 0;
};

// What sessions report for /metrics.
struct SessionCounters {
  std::uint64_t slow_clients_dropped = 0;  // polling clients over max_backlog
  std::uint64_t sessions_refused = 0;      // handshakes over max_sessions_per_address
};

}  // namespace confab::engineio
