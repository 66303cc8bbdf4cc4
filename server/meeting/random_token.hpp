#pragma once
#include <cstddef>
#include <string>

#include "meeting/random_source.hpp"

namespace confab::meeting {

// `length` characters of [a-z0-9].
std::string random_token(RandomSource& random, std::size_t length);

}  // namespace confab::meeting
