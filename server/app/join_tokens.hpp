#pragma once
// Join-token plumbing for the process: where the HS256 secret comes from, and the
// `confab-server token` subcommand that mints tokens for operators and tests.
#include <string>

#include "app/config.hpp"

namespace confab::app {

inline constexpr const char* kJwtSecretFile = "jwt.secret";

// --jwt-secret / CONFAB_JWT_SECRET if set (at least 16 characters), else the contents of
// <data-dir>/jwt.secret, created on first use with 32 random bytes (base64url) and mode 0600.
// Throws std::runtime_error with a message for the operator.
std::string resolve_jwt_secret(const Config& config);

// The token for `config.token`, signed with resolve_jwt_secret(config). Throws
// std::runtime_error if the room, name or role is invalid.
std::string mint_join_token(const Config& config);

}  // namespace confab::app
