#pragma once
// Time-limited TURN credentials per the TURN REST API convention (coturn's use-auth-secret):
// username "<expiry unix seconds>:<user>", credential base64(HMAC-SHA1(secret, username)).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace confab::meeting {

struct TurnConfig {
  std::vector<std::string> urls;  // e.g. turn:turn.example.org:3478?transport=udp
  std::string secret;             // coturn's static-auth-secret
  std::int64_t ttl_s = 86'400;
};

class TurnCredentials {
 public:
  // Throws std::invalid_argument for URLs without a secret or a ttl below one second.
  explicit TurnCredentials(TurnConfig config);

  bool enabled() const { return !config_.urls.empty(); }

  // RTCIceServer {urls, username, credential}, valid until now_s + ttl. Requires enabled().
  nlohmann::json ice_server(std::string_view user, std::int64_t now_s) const;

 private:
  TurnConfig config_;
};

}  // namespace confab::meeting
