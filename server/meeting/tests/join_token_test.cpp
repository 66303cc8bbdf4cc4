#include "meeting/join_token.hpp"

#include <gmock/gmock.h>

#include <nlohmann/json.hpp>

#include "common/base64.hpp"
#include "common/crypto.hpp"
#include "meeting/error_code.hpp"
#include "meeting/turn_credentials.hpp"

namespace confab::meeting {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

constexpr const char* kSecret = "meeting-test-secret-0123456789";
constexpr std::int64_t kNow = 1'700'000'000;

// Builds a compact JWS by hand, as an attacker (or another library) would.
std::string jws(const json& header, const json& claims, std::string_view secret = kSecret) {
  const std::string input =
      common::base64url_encode(header.dump()) + "." + common::base64url_encode(claims.dump());
  return input + "." + common::base64url_encode(common::crypto::hmac_sha256(secret, input));
}

json valid_claims() {
  return {{"room", "standup"}, {"name", "Ada"}, {"role", "host"}, {"exp", kNow + 3600}};
}

// The error a token gets: "ok", or the code and message.
std::pair<std::string, std::string> outcome(std::string_view token,
                                            std::string_view secret = kSecret) {
  try {
    JoinTokenCodec(std::string(secret)).verify(token, kNow);
    return {"ok", ""};
  } catch (const RequestError& error) {
    return {std::string(to_string(error.code())), error.what()};
  }
}

TEST(MeetingJoinTokenTest, MintedTokenVerifiesWithItsClaims) {
  const JoinTokenCodec codec(kSecret);
  const std::string token = codec.mint(
      {.room = "standup", .name = "Ada", .role = Role::host, .exp = kNow + 60, .nbf = kNow}, kNow);
  EXPECT_THAT(token,
              ::testing::MatchesRegex(R"([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43})"));
  const auto claims = codec.verify(token, kNow);
  EXPECT_EQ(claims.room, "standup");
  EXPECT_EQ(claims.name, "Ada");
  EXPECT_EQ(claims.role, Role::host);
  EXPECT_EQ(claims.exp, kNow + 60);
  EXPECT_EQ(claims.nbf, kNow);
}

TEST(MeetingJoinTokenTest, VerifiesATokenMadeByAnotherImplementation) {
  // Python: hmac.new(secret, header + '.' + payload, sha256), compact JSON, base64url unpadded.
  const std::string token =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb29tIjoic3RhbmR1cCIsIm5hbWUiOiJBZGEiLCJyb2xlIjoiaG9"
      "zdCIsImV4cCI6MTcwMDAwMzYwMH0.gs9og51B3PW4efKasu3LenTUr2ZmRcrFn57CKVk4bWk";
  const auto claims = JoinTokenCodec(kSecret).verify(token, kNow);
  EXPECT_EQ(claims.room, "standup");
  EXPECT_EQ(claims.role, Role::host);
  EXPECT_EQ(claims.exp, 1'700'003'600);
}

TEST(MeetingJoinTokenTest, RoleDefaultsToGuestAndFractionalDatesAreFloored) {
  json claims = valid_claims();
  claims.erase("role");
  claims["exp"] = kNow + 0.5;
  const auto verified = JoinTokenCodec(kSecret).verify(jws({{"alg", "HS256"}}, claims), kNow - 1);
  EXPECT_EQ(verified.role, Role::guest);
  EXPECT_EQ(verified.exp, kNow);
}

TEST(MeetingJoinTokenTest, ExpiredTokenIsTokenExpired) {
  json claims = valid_claims();
  claims["exp"] = kNow;  // exp is exclusive
  EXPECT_EQ(outcome(jws({{"alg", "HS256"}}, claims)).first, "token_expired");
  claims["exp"] = kNow - 3600;
  EXPECT_EQ(outcome(jws({{"alg", "HS256"}}, claims)).first, "token_expired");
}

TEST(MeetingJoinTokenTest, ForgedOrTamperedTokensAreInvalid) {
  const std::string good = jws({{"alg", "HS256"}, {"typ", "JWT"}}, valid_claims());
  EXPECT_EQ(outcome(good).first, "ok");
  EXPECT_EQ(
      outcome(jws({{"alg", "HS256"}}, valid_claims(), "another-secret")),
      std::make_pair(std::string("invalid_token"), std::string("invalid token: bad signature")));
  // Same signature over a payload moved to another room.
  json escalated = valid_claims();
  escalated["room"] = "board";
  const std::string forged_payload = common::base64url_encode(escalated.dump());
  const auto first_dot = good.find('.');
  const auto last_dot = good.rfind('.');
  const std::string tampered =
      good.substr(0, first_dot + 1) + forged_payload + good.substr(last_dot);
  EXPECT_EQ(outcome(tampered).first, "invalid_token");
  // Signature stripped or truncated.
  EXPECT_EQ(outcome(good.substr(0, last_dot + 1)).first, "invalid_token");
  EXPECT_EQ(outcome(good.substr(0, good.size() - 2)).first, "invalid_token");
}

TEST(MeetingJoinTokenTest, AlgNoneAndOtherAlgorithmsAreRefused) {
  const std::string payload = common::base64url_encode(valid_claims().dump());
  for (const char* alg : {"none", "None", "HS512", "RS256", "ES256", "hs256"}) {
    const std::string header =
        common::base64url_encode(json({{"alg", alg}, {"typ", "JWT"}}).dump());
    EXPECT_EQ(outcome(header + "." + payload + ".").second, "invalid token: alg must be HS256")
        << alg;
    // Even with a valid HS256 MAC over the input, the header's alg must say HS256.
    const std::string input = header + "." + payload;
    EXPECT_EQ(
        outcome(input + "." + common::base64url_encode(common::crypto::hmac_sha256(kSecret, input)))
            .first,
        "invalid_token")
        << alg;
  }
  EXPECT_EQ(outcome(jws(json::object(), valid_claims())).first, "invalid_token");  // no alg
  EXPECT_EQ(outcome(jws({{"alg", "HS256"}, {"crit", {"exp"}}}, valid_claims())).first,
            "invalid_token");
}

TEST(MeetingJoinTokenTest, ClaimsAreChecked) {
  const auto with = [](const char* claim, json value) {
    json claims = valid_claims();
    if (value.is_discarded()) {
      claims.erase(claim);
    } else {
      claims[claim] = std::move(value);
    }
    return outcome(jws({{"alg", "HS256"}}, claims));
  };
  const json missing(json::value_t::discarded);
  EXPECT_THAT(with("exp", missing).second, HasSubstr("'exp' is required"));
  EXPECT_THAT(with("exp", "tomorrow").second, HasSubstr("'exp'"));
  EXPECT_THAT(with("room", missing).second, HasSubstr("'room'"));
  EXPECT_THAT(with("room", 5).second, HasSubstr("'room'"));
  EXPECT_THAT(with("name", missing).second, HasSubstr("'name'"));
  EXPECT_THAT(with("name", "  ").second, HasSubstr("'name'"));
  EXPECT_THAT(with("name", "bell\x07").second, HasSubstr("'name'"));
  EXPECT_THAT(with("role", "admin").second, HasSubstr("'role'"));
  EXPECT_THAT(with("nbf", kNow + 10).second, HasSubstr("not valid yet"));
  EXPECT_EQ(with("nbf", kNow).first, "ok");
  EXPECT_EQ(with("name", "  Ada  ").first, "ok");
}

TEST(MeetingJoinTokenTest, MalformedTokensAreInvalid) {
  for (const std::string& token :
       {std::string(""), std::string("abc"), std::string("a.b"), std::string("a.b.c.d"),
        std::string("!!.??.**"),
        common::base64url_encode("[1]") + "." + common::base64url_encode("{}") + ".x",
        common::base64url_encode("not json") + ".e30.x", std::string(5000, 'a')}) {
    EXPECT_EQ(outcome(token).first, "invalid_token") << token.substr(0, 40);
  }
}

TEST(MeetingJoinTokenTest, NoSecretMeansNoTokens) {
  const std::string token = jws({{"alg", "HS256"}}, valid_claims(), "");
  EXPECT_EQ(outcome(token, "").second, "join tokens are not enabled on this server");
}

TEST(MeetingTurnCredentialsTest, FollowTheTurnRestApiConvention) {
  const TurnCredentials turn(TurnConfig{
      .urls = {"turn:turn.example.org:3478?transport=udp", "turns:turn.example.org:5349"},
      .secret = "north-wind",
      .ttl_s = 86'400});
  ASSERT_TRUE(turn.enabled());
  // expiry = now + ttl; credential checked with:
  // printf '%s' 1700086400:peer-1 | openssl dgst -sha1 -hmac north-wind -binary | base64
  EXPECT_EQ(
      turn.ice_server("peer-1", 1'700'000'000),
      json({{"urls", {"turn:turn.example.org:3478?transport=udp", "turns:turn.example.org:5349"}},
            {"username", "1700086400:peer-1"},
            {"credential", "VKlwgioltei0kn+zDgJOJyz4pxI="}}));
}

TEST(MeetingTurnCredentialsTest, ConfigurationIsChecked) {
  EXPECT_FALSE(TurnCredentials(TurnConfig{}).enabled());
  EXPECT_THROW(TurnCredentials(TurnConfig{.urls = {"turn:x"}, .secret = "", .ttl_s = 60}),
               std::invalid_argument);
  EXPECT_THROW(TurnCredentials(TurnConfig{.urls = {"turn:x"}, .secret = "s", .ttl_s = 0}),
               std::invalid_argument);
}

}  // namespace
}  // namespace confab::meeting
