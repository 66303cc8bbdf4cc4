#include "meeting/name_generator.hpp"

#include "meeting/random_token.hpp"

namespace confab::meeting {

std::string NameGenerator::guest_name() {
  return "Guest-" + random_token(random_, 4);
}

}  // namespace confab::meeting
