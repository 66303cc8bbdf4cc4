#include "meeting/client_addresses.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstdio>

namespace confab::meeting {

std::string address_key(std::string_view remote_address) {
  const std::string text(remote_address);
  std::array<unsigned char, 16> bytes{};
  if (inet_pton(AF_INET, text.c_str(), bytes.data()) == 1) return text;
  if (inet_pton(AF_INET6, text.c_str(), bytes.data()) != 1) return text;
  constexpr std::array<unsigned char, 12> kMappedPrefix = {0, 0, 0, 0, 0,    0,
                                                           0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(kMappedPrefix.begin(), kMappedPrefix.end(), bytes.begin())) {
    char v4[INET_ADDRSTRLEN];
    if (inet_ntop(AF_INET, bytes.data() + 12, v4, sizeof v4) != nullptr) return v4;
  }
  char prefix[48];
  std::snprintf(prefix, sizeof prefix, "%x:%x:%x:%x::/64", (bytes[0] << 8) | bytes[1],
                (bytes[2] << 8) | bytes[3], (bytes[4] << 8) | bytes[5], (bytes[6] << 8) | bytes[7]);
  return prefix;
}

void ClientAddresses::connect(const ParticipantId& id, std::string_view remote_address) {
  if (remote_address.empty()) return;
  keys_.insert_or_assign(id, address_key(remote_address));
}

std::string ClientAddresses::key_of(const ParticipantId& id) const {
  const auto it = keys_.find(id);
  return it != keys_.end() ? it->second : "id:" + id;
}

}  // namespace confab::meeting
