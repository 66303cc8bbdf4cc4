#include "common/hex.hpp"

namespace confab::common {

std::optional<std::vector<std::uint8_t>> parse_colon_hex(std::string_view text, std::size_t size) {
  if (size == 0 || text.size() != size * 3 - 1) return std::nullopt;
  std::vector<std::uint8_t> out;
  out.reserve(size);
  for (std::size_t i = 0; i < size; ++i) {
    const int hi = hex_digit_value(text[i * 3]);
    const int lo = hex_digit_value(text[i * 3 + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    if (i + 1 < size && text[i * 3 + 2] != ':') return std::nullopt;
    out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
  }
  return out;
}

}  // namespace confab::common
