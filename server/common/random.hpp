#pragma once
// Random ids and tokens. Secrets (session ids, ICE passwords) come from OpenSSL's CSPRNG;
// names and message ids from an injectable source so tests are deterministic.
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace confab::common {

inline constexpr std::string_view kLowerAlphanumeric = "abcdefghijklmnopqrstuvwxyz0123456789";
inline constexpr std::string_view kAlphanumeric =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  virtual std::uint64_t next_u64() = 0;
};

// A seeded Mersenne Twister. Not for secrets: nothing it produces may grant access.
class SystemRandomSource final : public RandomSource {
 public:
  SystemRandomSource();
  std::uint64_t next_u64() override { return engine_(); }

 private:
  std::mt19937_64 engine_;
};

// OpenSSL's CSPRNG; throws std::runtime_error if it fails.
class SecureRandomSource final : public RandomSource {
 public:
  std::uint64_t next_u64() override;
};

// `length` characters of `alphabet`, one draw each (modulo bias over 64 bits is ~2^-58).
std::string random_token(RandomSource& random, std::size_t length,
                         std::string_view alphabet = kLowerAlphanumeric);

// `bytes` CSPRNG bytes as unpadded base64url: an unguessable URL-safe id.
std::string secure_random_id(std::size_t bytes = 15);

}  // namespace confab::common
