#include "meeting/random_source.hpp"

#include <array>

namespace confab::meeting {

SystemRandomSource::SystemRandomSource() {
  std::random_device entropy;
  std::array<std::uint32_t, 8> seed_words{};
  for (auto& word : seed_words) word = entropy();
  std::seed_seq seed(seed_words.begin(), seed_words.end());
  engine_.seed(seed);
}

}  // namespace confab::meeting
