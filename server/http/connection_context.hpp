#pragma once
#include <chrono>
#include <cstddef>

#include "http/ip_limiter.hpp"
#include "http/router.hpp"
#include "http/traffic.hpp"

namespace confab::http {

struct ConnectionLimits {
  std::size_t max_body = 1'000'000;
  std::chrono::seconds idle_timeout{30};
  std::size_t max_connections_per_ip = 0;  // 0: unlimited
  // Bytes a WebSocket client may leave unread in our queue before it is dropped.
  std::size_t max_ws_backlog = 4 * 1024 * 1024;
};

// Counters and per-address slots of one listener. Connections share ownership, so it
// outlives the last of them even when the io_context drops handlers at exit.
struct ListenerState {
  explicit ListenerState(std::size_t max_connections_per_ip) : limiter(max_connections_per_ip) {}
  Traffic traffic;
  IpLimiter limiter;
};

// How a connection behaves; copied into each one.
struct ConnectionContext {
  const Router& router;
  ConnectionLimits limits;
  bool redirect_to_https = false;  // plain HTTP arriving on a TLS port gets a 308
};

}  // namespace confab::http
