#pragma once
#include <string>

#include "meeting/random_source.hpp"

namespace confab::meeting {

// Names for participants who joined without one.
class NameGenerator {
 public:
  explicit NameGenerator(RandomSource& random) : random_(random) {}
  std::string guest_name();  // "Guest-" + 4 random characters

 private:
  RandomSource& random_;
};

}  // namespace confab::meeting
