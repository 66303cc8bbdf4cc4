#pragma once
// Base64 (RFC 4648 §4, padded) and base64url (§5, unpadded, as JWTs use it).
#include <optional>
#include <string>
#include <string_view>

namespace confab::common {

std::string base64_encode(std::string_view bytes);
std::string base64url_encode(std::string_view bytes);

// Strict: only the alphabet, correct padding (none for base64url), and zero unused bits, so
// every byte string has exactly one accepted encoding. nullopt otherwise.
std::optional<std::string> base64_decode(std::string_view text);
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace confab::common
