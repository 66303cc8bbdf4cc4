#pragma once
// Where each participant connects from, as the key that per-address limits count by.
#include <string>
#include <string_view>
#include <unordered_map>

#include "meeting/outbox.hpp"

namespace confab::meeting {

// The key per-address limits use for a peer address: an IPv4 address as it is (IPv4-mapped
// IPv6 too), an IPv6 address as its /64 prefix ("2001:db8:1:2::/64": one subscriber usually
// holds a whole /64), anything else unchanged.
std::string address_key(std::string_view remote_address);

// Participant id → address key, from connection to disconnection.
class ClientAddresses {
 public:
  void connect(const ParticipantId& id, std::string_view remote_address);
  void forget(const ParticipantId& id) { keys_.erase(id); }
  // The participant's address key. A participant whose address is unknown (no transport
  // told it) is counted alone, as "id:<participant id>", never lumped with others.
  std::string key_of(const ParticipantId& id) const;

 private:
  std::unordered_map<ParticipantId, std::string> keys_;
};

}  // namespace confab::meeting
