#pragma once
#include <chrono>
#include <cstdint>

namespace confab::meeting {

// Wall-clock time, injectable so tests get deterministic timestamps.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t now_ms() = 0;  // ms since the Unix epoch
};

class SystemClock final : public Clock {
 public:
  std::int64_t now_ms() override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace confab::meeting
