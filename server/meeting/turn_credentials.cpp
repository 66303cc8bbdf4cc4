#include "meeting/turn_credentials.hpp"

#include <stdexcept>

#include "common/base64.hpp"
#include "common/crypto.hpp"

namespace confab::meeting {

TurnCredentials::TurnCredentials(TurnConfig config) : config_(std::move(config)) {
  if (enabled() && config_.secret.empty()) {
    throw std::invalid_argument("TURN URLs need a TURN shared secret");
  }
  if (config_.ttl_s < 1) throw std::invalid_argument("TURN credential ttl must be positive");
}

nlohmann::json TurnCredentials::ice_server(std::string_view user, std::int64_t now_s) const {
  const std::string username = std::to_string(now_s + config_.ttl_s) + ":" + std::string(user);
  return nlohmann::json{
      {"urls", config_.urls},
      {"username", username},
      {"credential", common::base64_encode(common::crypto::hmac_sha1(config_.secret, username))}};
}

}  // namespace confab::meeting
