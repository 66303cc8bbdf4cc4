#pragma once
// The two checksums STUN needs: HMAC-SHA1 for MESSAGE-INTEGRITY (OpenSSL) and CRC-32 for
// FINGERPRINT (our own table, the ISO-HDLC polynomial zlib uses).
#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace confab::sfu {

using Sha1Digest = std::array<std::uint8_t, 20>;

// HMAC-SHA1 of the concatenation of `first` and `second` (two pieces, so STUN's patched header
// needs no copy of the message). False if OpenSSL fails.
bool hmac_sha1(std::string_view key, std::span<const std::uint8_t> first,
               std::span<const std::uint8_t> second, Sha1Digest& out);

std::uint32_t crc32(std::span<const std::uint8_t> data);

}  // namespace confab::sfu
