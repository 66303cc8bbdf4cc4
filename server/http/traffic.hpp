#pragma once
#include <cstdint>

namespace confab::http {

// Socket-level counts for /metrics, kept by the listener and its connections.
struct Traffic {
  std::uint64_t connections_open = 0;
  std::uint64_t connections_total = 0;
  std::uint64_t websockets_open = 0;
  std::uint64_t bytes_received = 0;
  std::uint64_t bytes_sent = 0;
  std::uint64_t http_requests = 0;
  std::uint64_t responses_in_flight = 0;   // shutdown waits for these, not for idle keep-alives
  std::uint64_t slow_clients_dropped = 0;  // WebSockets closed for an unread backlog
};

}  // namespace confab::http
