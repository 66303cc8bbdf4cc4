#pragma once
#include <chrono>
#include <cstdint>

namespace confab::common {

// Milliseconds since the Unix epoch (wall clock: timestamps, expiries).
inline std::int64_t unix_time_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Milliseconds on a clock that never goes back (rate limits, timeouts).
inline std::int64_t monotonic_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Wall-clock time, injectable so tests get deterministic timestamps.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t now_ms() = 0;  // ms since the Unix epoch
};

class SystemClock final : public Clock {
 public:
  std::int64_t now_ms() override { return unix_time_ms(); }
};

}  // namespace confab::common
