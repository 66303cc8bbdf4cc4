#pragma once
#include <string>

#include "common/random.hpp"

namespace confab::meeting {

// Names for participants who joined without one.
class NameGenerator {
 public:
  explicit NameGenerator(common::RandomSource& random) : random_(random) {}
  std::string guest_name();  // "Guest-" + 4 random characters

 private:
  common::RandomSource& random_;
};

}  // namespace confab::meeting
