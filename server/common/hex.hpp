#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace confab::common {

// The value of one hex digit (either case), or -1.
constexpr int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "AB:CD:..." (a certificate fingerprint as SDP and DTLS parameters write it) -> bytes;
// nullopt unless it is exactly `size` colon-separated hex pairs, either case.
std::optional<std::vector<std::uint8_t>> parse_colon_hex(std::string_view text, std::size_t size);

}  // namespace confab::common
