#pragma once
// The few OpenSSL primitives access control needs, as byte strings.
#include <cstddef>
#include <string>
#include <string_view>

namespace confab::common::crypto {

// Raw MACs: 32 and 20 bytes.
std::string hmac_sha256(std::string_view key, std::string_view data);
std::string hmac_sha1(std::string_view key, std::string_view data);

// PBKDF2-HMAC-SHA256, `length` bytes.
std::string pbkdf2_sha256(std::string_view password, std::string_view salt, int iterations,
                          std::size_t length);

// Constant time for equal lengths (CRYPTO_memcmp); different lengths are simply unequal.
bool equal_constant_time(std::string_view a, std::string_view b);

// `count` bytes from OpenSSL's CSPRNG; throws std::runtime_error if it fails.
std::string secure_random_bytes(std::size_t count);

}  // namespace confab::common::crypto
