#pragma once
// ICE-lite (RFC 8445 section 2.5) for one transport: answers the client's Binding requests,
// remembers which addresses proved they know our password, and selects the one the client
// nominated (USE-CANDIDATE). A client that changes network nominates its new address and the
// selection follows. Consent freshness (RFC 7675): without a valid request for `kConsentTimeout`
// the transport is dead.
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sfu/stun_message.hpp"
#include "sfu/transport_address.hpp"

namespace confab::sfu {

class IceLite {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr auto kConsentTimeout = std::chrono::seconds(30);
  static constexpr std::size_t kMaxValidatedAddresses = 8;

  IceLite(std::string ufrag, std::string pwd, Clock::time_point now);

  const std::string& ufrag() const { return ufrag_; }
  const std::string& pwd() const { return pwd_; }
  // New credentials (ICE restart): requests must use them from now on.
  void restart(std::string ufrag, std::string pwd, Clock::time_point now);

  struct Outcome {
    std::vector<std::uint8_t> response;  // empty: drop the request silently
    bool selected_changed = false;
  };
  // A Binding request addressed to our ufrag (the caller demultiplexed it by USERNAME).
  Outcome handle_request(const StunMessage& request, const TransportAddress& from,
                         Clock::time_point now);

  // Media may come from and go to validated addresses only.
  bool validated(const TransportAddress& address) const;
  const std::optional<TransportAddress>& selected() const { return selected_; }
  const std::vector<TransportAddress>& validated_addresses() const { return validated_; }
  bool consent_expired(Clock::time_point now) const {
    return now - last_consent_ > kConsentTimeout;
  }

 private:
  void validate(const TransportAddress& address);

  std::string ufrag_;
  std::string pwd_;
  Clock::time_point last_consent_;
  std::vector<TransportAddress> validated_;
  std::optional<TransportAddress> selected_;
};

// The local ufrag a Binding request is for: USERNAME is "<our ufrag>:<their ufrag>".
std::optional<std::string_view> local_ufrag(const StunMessage& request);

}  // namespace confab::sfu
