#pragma once
// Signed join tokens: compact JWS (JWT) with HS256 only, claims {room, name, role, exp, nbf?}.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "meeting/participant.hpp"

namespace confab::meeting {

struct JoinTokenClaims {
  std::string room;
  std::string name;  // the display name; also who the token identifies
  Role role = Role::guest;
  std::int64_t exp = 0;  // seconds since the Unix epoch; required
  std::optional<std::int64_t> nbf = std::nullopt;
};

class JoinTokenCodec {
 public:
  static constexpr std::size_t kMaxTokenLength = 4096;

  // An empty secret disables tokens: verify() refuses every token.
  explicit JoinTokenCodec(std::string secret) : secret_(std::move(secret)) {}

  // {"alg":"HS256","typ":"JWT"} . {room, name, role, exp, iat, nbf?} . HMAC-SHA256.
  std::string mint(const JoinTokenClaims& claims, std::int64_t issued_at_s) const;

  // Throws RequestError: token_expired when exp <= now, invalid_token for everything else
  // (malformed, alg other than HS256, bad signature, missing or mistyped claims, nbf > now).
  JoinTokenClaims verify(std::string_view token, std::int64_t now_s) const;

 private:
  std::string secret_;
};

}  // namespace confab::meeting
