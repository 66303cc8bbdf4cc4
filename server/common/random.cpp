#include "common/random.hpp"

#include <array>
#include <cstring>

#include "common/base64.hpp"
#include "common/crypto.hpp"

namespace confab::common {

SystemRandomSource::SystemRandomSource() {
  std::random_device entropy;
  std::array<std::uint32_t, 8> seed_words{};
  for (auto& word : seed_words) word = entropy();
  std::seed_seq seed(seed_words.begin(), seed_words.end());
  engine_.seed(seed);
}

std::uint64_t SecureRandomSource::next_u64() {
  const std::string bytes = crypto::secure_random_bytes(sizeof(std::uint64_t));
  std::uint64_t value = 0;
  std::memcpy(&value, bytes.data(), sizeof value);
  return value;
}

std::string random_token(RandomSource& random, std::size_t length, std::string_view alphabet) {
  std::string token;
  token.reserve(length);
  for (std::size_t i = 0; i < length; ++i) {
    token.push_back(alphabet[random.next_u64() % alphabet.size()]);
  }
  return token;
}

std::string secure_random_id(std::size_t bytes) {
  return base64url_encode(crypto::secure_random_bytes(bytes));
}

}  // namespace confab::common
