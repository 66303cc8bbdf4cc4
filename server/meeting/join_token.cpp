#include "meeting/join_token.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "common/base64.hpp"
#include "common/crypto.hpp"
#include "meeting/error_code.hpp"
#include "meeting/validation.hpp"

namespace confab::meeting {

namespace {

[[noreturn]] void invalid(const std::string& why) {
  throw RequestError(ErrorCode::invalid_token, "invalid token: " + why);
}

nlohmann::json decode_json_part(std::string_view part, const char* what) {
  const auto bytes = common::base64url_decode(part);
  if (!bytes) invalid(std::string(what) + " is not base64url");
  auto value = nlohmann::json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
  if (!value.is_object()) invalid(std::string(what) + " is not a JSON object");
  return value;
}

// NumericDate: a JSON number of seconds; fractions are allowed and rounded down.
std::optional<std::int64_t> numeric_date(const nlohmann::json& claims, const char* name) {
  const auto it = claims.find(name);
  if (it == claims.end()) return std::nullopt;
  if (it->is_number_integer()) return it->get<std::int64_t>();
  if (it->is_number_float() && std::isfinite(it->get<double>()) &&
      std::abs(it->get<double>()) < 1e15) {
    return static_cast<std::int64_t>(std::floor(it->get<double>()));
  }
  invalid(std::string("claim '") + name + "' must be a number of seconds");
}

const std::string& string_claim(const nlohmann::json& claims, const char* name) {
  const auto it = claims.find(name);
  if (it == claims.end() || !it->is_string()) {
    invalid(std::string("claim '") + name + "' must be a string");
  }
  return it->get_ref<const std::string&>();
}

Role role_claim(const nlohmann::json& claims) {
  const auto it = claims.find("role");
  if (it == claims.end()) return Role::guest;
  if (*it == "host") return Role::host;
  if (*it == "guest") return Role::guest;
  invalid("claim 'role' must be \"host\" or \"guest\"");
}

}  // namespace

std::string JoinTokenCodec::mint(const JoinTokenClaims& claims, std::int64_t issued_at_s) const {
  nlohmann::json payload{{"room", claims.room},
                         {"name", claims.name},
                         {"role", to_string(claims.role)},
                         {"iat", issued_at_s},
                         {"exp", claims.exp}};
  if (claims.nbf) payload["nbf"] = *claims.nbf;
  const std::string signing_input = common::base64url_encode(R"({"alg":"HS256","typ":"JWT"})") +
                                    "." + common::base64url_encode(payload.dump());
  return signing_input + "." +
         common::base64url_encode(common::crypto::hmac_sha256(secret_, signing_input));
}

JoinTokenClaims JoinTokenCodec::verify(std::string_view token, std::int64_t now_s) const {
  if (secret_.empty()) {
    throw RequestError(ErrorCode::invalid_token, "join tokens are not enabled on this server");
  }
  if (token.size() > kMaxTokenLength) invalid("too long");
  const std::size_t first_dot = token.find('.');
  const std::size_t last_dot = token.rfind('.');
  if (first_dot == std::string_view::npos || first_dot == last_dot ||
      token.find('.', first_dot + 1) != last_dot) {
    invalid("not a compact JWS (header.payload.signature)");
  }
  const std::string_view signing_input = token.substr(0, last_dot);

  // The header decides nothing but must say HS256: "none" and every other algorithm are refused
  // before any signature is looked at.
  const auto header = decode_json_part(token.substr(0, first_dot), "header");
  if (header.value("alg", nlohmann::json()) != "HS256") invalid("alg must be HS256");
  if (header.contains("crit")) invalid("critical header extensions are not supported");

  const auto signature = common::base64url_decode(token.substr(last_dot + 1));
  if (!signature || !common::crypto::equal_constant_time(
                        *signature, common::crypto::hmac_sha256(secret_, signing_input))) {
    invalid("bad signature");
  }

  const auto claims =
      decode_json_part(token.substr(first_dot + 1, last_dot - first_dot - 1), "payload");
  JoinTokenClaims result;
  result.room = string_claim(claims, "room");
  const auto exp = numeric_date(claims, "exp");
  if (!exp) invalid("claim 'exp' is required");
  result.exp = *exp;
  result.nbf = numeric_date(claims, "nbf");
  result.role = role_claim(claims);
  try {
    result.name = validate_display_name(string_claim(claims, "name"));
  } catch (const RequestError& error) {
    invalid(std::string("claim 'name': ") + error.what());
  }
  if (result.exp <= now_s) throw RequestError(ErrorCode::token_expired, "token has expired");
  if (result.nbf && *result.nbf > now_s) invalid("not valid yet (nbf is in the future)");
  return result;
}

}  // namespace confab::meeting
