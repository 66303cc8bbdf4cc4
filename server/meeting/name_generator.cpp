#include "meeting/name_generator.hpp"

#include "common/random.hpp"

namespace confab::meeting {

std::string NameGenerator::guest_name() {
  return "Guest-" + common::random_token(random_, 4);
}

}  // namespace confab::meeting
