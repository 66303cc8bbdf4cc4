#pragma once
#include <cstdint>
#include <random>

namespace confab::meeting {

// Randomness for guest names and message ids, injectable for deterministic tests.
// Not for secrets: nothing it produces grants access.
class RandomSource {
 public:
  virtual ~RandomSource() = default;
  virtual std::uint64_t next_u64() = 0;
};

class SystemRandomSource final : public RandomSource {
 public:
  SystemRandomSource();
  std::uint64_t next_u64() override { return engine_(); }

 private:
  std::mt19937_64 engine_;
};

}  // namespace confab::meeting
