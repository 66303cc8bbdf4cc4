#pragma once
// How much a WebSocket channel may hold for a client that does not read: one policy for both
// channels (plain TCP and TLS), counted in the listener's Traffic when a client goes over.
#include <algorithm>
#include <cstddef>

#include "http/traffic.hpp"

namespace confab::http {

class BacklogLimit {
 public:
  // `limit` bytes beyond the kernel's buffers, but never less than two of the largest
  // messages: a client that reads must always be able to receive one.
  BacklogLimit(std::size_t limit, std::size_t max_message)
      : limit_(std::max(limit, 2 * max_message)) {}

  std::size_t limit() const { return limit_; }

  // Whether `more` bytes may join `queued` ones. The first refusal counts a slow client:
  // the channel then drops the connection (signaling traffic is small, so a client this far
  // behind is dead or hostile, and holding more would let it take the server's memory).
  bool admits(std::size_t queued, std::size_t more, Traffic& traffic) {
    if (queued + more <= limit_) return true;
    if (!exceeded_) ++traffic.slow_clients_dropped;
    exceeded_ = true;
    return false;
  }

 private:
  std::size_t limit_;
  bool exceeded_ = false;
};

}  // namespace confab::http
