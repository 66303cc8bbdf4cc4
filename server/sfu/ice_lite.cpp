#include "sfu/ice_lite.hpp"

#include <algorithm>

namespace confab::sfu {

IceLite::IceLite(std::string ufrag, std::string pwd, Clock::time_point now)
    : ufrag_(std::move(ufrag)), pwd_(std::move(pwd)), last_consent_(now) {}

void IceLite::restart(std::string ufrag, std::string pwd, Clock::time_point now) {
  ufrag_ = std::move(ufrag);
  pwd_ = std::move(pwd);
  last_consent_ = now;
}

std::optional<std::string_view> local_ufrag(const StunMessage& request) {
  const auto username = request.username();
  if (!username) return std::nullopt;
  const auto colon = username->find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  return username->substr(0, colon);
}

IceLite::Outcome IceLite::handle_request(const StunMessage& request, const TransportAddress& from,
                                         Clock::time_point now) {
  Outcome outcome;
  // A lite agent is always controlled: a request without ICE-CONTROLLING is no client of ours.
  if (!request.is_binding_request() || !request.has_message_integrity() ||
      !request.has_fingerprint() || !request.check_fingerprint() ||
      local_ufrag(request) != std::string_view(ufrag_) || !request.check_message_integrity(pwd_) ||
      !request.priority() || !request.ice_controlling()) {
    return outcome;
  }
  last_consent_ = now;
  validate(from);
  if (request.use_candidate() && selected_ != from) {
    selected_ = from;
    outcome.selected_changed = true;
  }
  outcome.response = StunWriter(kStunBindingSuccess, request.transaction_id())
                         .xor_mapped_address(from)
                         .finish(pwd_, true);
  return outcome;
}

bool IceLite::validated(const TransportAddress& address) const {
  return std::find(validated_.begin(), validated_.end(), address) != validated_.end();
}

void IceLite::validate(const TransportAddress& address) {
  if (validated(address)) return;
  // The oldest goes first; the selected one is never forgotten while it is selected.
  if (validated_.size() == kMaxValidatedAddresses) {
    auto victim = std::find_if(validated_.begin(), validated_.end(),
                               [&](const TransportAddress& a) { return a != selected_; });
    validated_.erase(victim);
  }
  validated_.push_back(address);
}

}  // namespace confab::sfu
