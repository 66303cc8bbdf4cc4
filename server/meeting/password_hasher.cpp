#include "meeting/password_hasher.hpp"

#include <charconv>
#include <stdexcept>
#include <vector>

#include "common/base64.hpp"
#include "common/crypto.hpp"

namespace confab::meeting {

namespace {

constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;
// A corrupt or hostile row must not make one verification take minutes.
constexpr int kMaxIterations = 10'000'000;

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::string encode(int iterations, std::string_view salt, std::string_view hash) {
  return std::string(PasswordHasher::kScheme) + "$" + std::to_string(iterations) + "$" +
         common::base64_encode(salt) + "$" + common::base64_encode(hash);
}

}  // namespace

PasswordHasher::PasswordHasher(int iterations) : iterations_(iterations) {
  if (iterations < 1 || iterations > kMaxIterations) {
    throw std::invalid_argument("PBKDF2 iterations out of range");
  }
}

std::string PasswordHasher::hash(std::string_view password) const {
  const std::string salt = common::crypto::secure_random_bytes(kSaltBytes);
  return encode(iterations_, salt,
                common::crypto::pbkdf2_sha256(password, salt, iterations_, kHashBytes));
}

bool PasswordHasher::verify(std::string_view encoded, std::string_view password) const {
  const auto parts = split(encoded, '$');
  if (parts.size() != 4 || parts[0] != kScheme) {
    throw std::invalid_argument("unknown password hash scheme");
  }
  int iterations = 0;
  const auto [end, error] =
      std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), iterations);
  const auto salt = common::base64_decode(parts[2]);
  const auto expected = common::base64_decode(parts[3]);
  if (error != std::errc() || end != parts[1].data() + parts[1].size() || iterations < 1 ||
      iterations > kMaxIterations || !salt || !expected || expected->empty()) {
    throw std::invalid_argument("malformed password hash");
  }
  const std::string actual =
      common::crypto::pbkdf2_sha256(password, *salt, iterations, expected->size());
  return common::crypto::equal_constant_time(actual, *expected);
}

}  // namespace confab::meeting
