#pragma once
// An IP address and UDP port as plain bytes, so the packet layer needs no Asio. IPv4 addresses
// sit in the first 4 bytes of `ip` (the rest zero), not as v4-mapped v6.
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace confab::sfu {

struct TransportAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> ip{};
  std::uint16_t port = 0;

  static TransportAddress v4_from(std::array<std::uint8_t, 4> bytes, std::uint16_t port);
  static TransportAddress v6_from(const std::array<std::uint8_t, 16>& bytes, std::uint16_t port);
  // "1.2.3.4:5" or "[2001:db8::1]:5"; nullopt if it is neither.
  static std::optional<TransportAddress> parse(std::string_view text);

  bool operator==(const TransportAddress&) const = default;
  // "1.2.3.4:5" or "[2001:db8::1]:5".
  std::string to_string() const;
  std::size_t hash() const;
};

struct TransportAddressHash {
  std::size_t operator()(const TransportAddress& a) const { return a.hash(); }
};

}  // namespace confab::sfu

template <>
struct std::hash<confab::sfu::TransportAddress> {
  std::size_t operator()(const confab::sfu::TransportAddress& a) const { return a.hash(); }
};
