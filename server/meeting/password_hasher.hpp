#pragma once
// Room passwords at rest: PBKDF2-HMAC-SHA256 with a 16-byte random salt, encoded as
// "pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>". Never the password itself.
#include <string>
#include <string_view>

namespace confab::meeting {

class PasswordHasher {
 public:
  static constexpr int kDefaultIterations = 100'000;
  static constexpr std::string_view kScheme = "pbkdf2-sha256";

  explicit PasswordHasher(int iterations = kDefaultIterations);

  std::string hash(std::string_view password) const;

  // Uses the iterations stored in `encoded`, so hashes made with another setting still verify.
  // False for a wrong password; throws std::invalid_argument if `encoded` is not ours.
  bool verify(std::string_view encoded, std::string_view password) const;

 private:
  int iterations_;
};

}  // namespace confab::meeting
