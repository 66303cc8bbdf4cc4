#include "sfu/transport_address.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace confab::sfu {

TransportAddress TransportAddress::v4_from(std::array<std::uint8_t, 4> bytes, std::uint16_t port) {
  TransportAddress a;
  std::memcpy(a.ip.data(), bytes.data(), bytes.size());
  a.port = port;
  return a;
}

TransportAddress TransportAddress::v6_from(const std::array<std::uint8_t, 16>& bytes,
                                           std::uint16_t port) {
  TransportAddress a;
  a.v6 = true;
  a.ip = bytes;
  a.port = port;
  return a;
}

std::optional<TransportAddress> TransportAddress::parse(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon + 1 >= text.size()) return std::nullopt;
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port > 65535) {
    return std::nullopt;
  }
  TransportAddress a;
  a.port = static_cast<std::uint16_t>(port);
  const bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  if (bracketed) host = host.substr(1, host.size() - 2);
  if (host.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  char buffer[INET6_ADDRSTRLEN] = {};
  std::memcpy(buffer, host.data(), host.size());
  if (bracketed) {
    a.v6 = true;
    if (inet_pton(AF_INET6, buffer, a.ip.data()) != 1) return std::nullopt;
  } else if (inet_pton(AF_INET, buffer, a.ip.data()) != 1) {
    return std::nullopt;
  }
  return a;
}

std::string TransportAddress::to_string() const {
  char buffer[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, ip.data(), buffer, sizeof buffer);
  std::string out;
  if (v6) out += '[';
  out += buffer;
  if (v6) out += ']';
  out += ':';
  out += std::to_string(port);
  return out;
}

std::size_t TransportAddress::hash() const {
  // FNV-1a over the bytes that matter: cheap, and good enough for a per-worker address table.
  std::uint64_t h = 1469598103934665603ull;
  auto mix = [&h](std::uint8_t b) {
    h ^= b;
    h *= 1099511628211ull;
  };
  const std::size_t n = v6 ? 16 : 4;
  for (std::size_t i = 0; i < n; ++i) mix(ip[i]);
  mix(static_cast<std::uint8_t>(port >> 8));
  mix(static_cast<std::uint8_t>(port));
  mix(v6 ? 1 : 0);
  return static_cast<std::size_t>(h);
}

}  // namespace confab::sfu
