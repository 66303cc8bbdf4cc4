#include "meeting/random_token.hpp"

#include <string_view>

namespace confab::meeting {

std::string random_token(RandomSource& random, std::size_t length) {
  constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string token;
  token.reserve(length);
  for (std::size_t i = 0; i < length; ++i) {
    // Modulo bias over 64 bits is ~2^-58: irrelevant for names and ids.
    token.push_back(kAlphabet[random.next_u64() % kAlphabet.size()]);
  }
  return token;
}

}  // namespace confab::meeting
