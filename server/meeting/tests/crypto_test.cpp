// The primitives behind access control, checked against published or independently computed
// vectors (openssl dgst, Python's hmac/hashlib).
#include "meeting/crypto.hpp"

#include <gmock/gmock.h>

#include "meeting/base64.hpp"
#include "meeting/error_code.hpp"
#include "meeting/password_hasher.hpp"
#include "meeting/room_passwords.hpp"
#include "meeting/token_bucket.hpp"

namespace confab::meeting {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    out.push_back(kDigits[(static_cast<unsigned char>(c) >> 4) & 0xF]);
    out.push_back(kDigits[static_cast<unsigned char>(c) & 0xF]);
  }
  return out;
}

TEST(MeetingBase64Test, EncodesRfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_EQ(base64_encode("\xfb\xff"), "+/8=");
}

TEST(MeetingBase64Test, DecodesOnlyCanonicalText) {
  EXPECT_EQ(base64_decode("Zm9vYg=="), "foob");
  EXPECT_EQ(base64_decode("Zm9vYmFy"), "foobar");
  EXPECT_EQ(base64url_decode("-_8"), "\xfb\xff");
  EXPECT_EQ(base64url_decode(""), "");
  EXPECT_EQ(base64_decode("Zm9vYg="), std::nullopt);    // wrong padding
  EXPECT_EQ(base64_decode("Zm9vYg"), std::nullopt);     // missing padding
  EXPECT_EQ(base64_decode("Zm9v Yg=="), std::nullopt);  // not in the alphabet
  EXPECT_EQ(base64url_decode("Zm8="), std::nullopt);    // base64url has no padding
  EXPECT_EQ(base64url_decode("+/8"), std::nullopt);     // standard alphabet
  EXPECT_EQ(base64url_decode("Zm9"), std::nullopt);     // non-zero unused bits ("Zm8")
  EXPECT_EQ(base64url_decode("Z"), std::nullopt);       // impossible length
}

TEST(MeetingCryptoTest, HmacSha256MatchesRfc4231) {
  EXPECT_EQ(hex(crypto::hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(MeetingCryptoTest, HmacSha1MatchesOpensslDgst) {
  // printf '%s' 1700086400:peer-1 | openssl dgst -sha1 -hmac north-wind -binary | base64
  EXPECT_EQ(base64_encode(crypto::hmac_sha1("north-wind", "1700086400:peer-1")),
            "VKlwgioltei0kn+zDgJOJyz4pxI=");
}

TEST(MeetingCryptoTest, Pbkdf2MatchesRfc7914Vector) {
  EXPECT_EQ(hex(crypto::pbkdf2_sha256("password", "salt", 1, 32)),
            "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b");
}

TEST(MeetingCryptoTest, ConstantTimeEqualityAndRandomBytes) {
  EXPECT_TRUE(crypto::equal_constant_time("abc", "abc"));
  EXPECT_FALSE(crypto::equal_constant_time("abc", "abd"));
  EXPECT_FALSE(crypto::equal_constant_time("abc", "abcd"));
  EXPECT_EQ(crypto::secure_random_bytes(16).size(), 16u);
  EXPECT_NE(crypto::secure_random_bytes(16), crypto::secure_random_bytes(16));
}

TEST(MeetingPasswordHasherTest, DefaultIsSaltedPbkdf2WithAtLeast100kIterations) {
  const PasswordHasher hasher;
  const std::string hash = hasher.hash("correct horse");
  EXPECT_THAT(hash,
              MatchesRegex(R"(pbkdf2-sha256\$100000\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=)"));
  EXPECT_THAT(hash, Not(HasSubstr("correct horse")));
  EXPECT_TRUE(hasher.verify(hash, "correct horse"));
  EXPECT_FALSE(hasher.verify(hash, "correct horse "));
}

TEST(MeetingPasswordHasherTest, SameHasherAndPasswordGiveDifferentSalts) {
  const PasswordHasher hasher(1000);
  EXPECT_NE(hasher.hash("pw"), hasher.hash("pw"));
}

TEST(MeetingPasswordHasherTest, VerifiesWithTheIterationsStoredInTheHash) {
  const std::string made_with_2000 = PasswordHasher(2000).hash("pw");
  EXPECT_TRUE(PasswordHasher(1000).verify(made_with_2000, "pw"));
}

TEST(MeetingPasswordHasherTest, VerifiesAHashComputedElsewhere) {
  // Python: base64.b64encode(hashlib.pbkdf2_hmac('sha256', b'password', b'salt', 1))
  EXPECT_TRUE(PasswordHasher(1).verify(
      "pbkdf2-sha256$1$c2FsdA==$Eg+2z/z4syxD5yJSVsT4N6hlSMkszDVICAWYfLcL4Xs=", "password"));
}

TEST(MeetingPasswordHasherTest, MalformedHashesThrow) {
  const PasswordHasher hasher(1000);
  for (const char* bad :
       {"", "plain text", "argon2$1$c2FsdA==$aGFzaA==", "pbkdf2-sha256$x$c2FsdA==$aGFzaA==",
        "pbkdf2-sha256$0$c2FsdA==$aGFzaA==", "pbkdf2-sha256$99999999999$c2FsdA==$aGFzaA==",
        "pbkdf2-sha256$1$not base64$aGFzaA==", "pbkdf2-sha256$1$c2FsdA==$",
        "pbkdf2-sha256$1$c2FsdA==$aGFzaA==$extra"}) {
    EXPECT_THROW(hasher.verify(bad, "pw"), std::invalid_argument) << bad;
  }
}

TEST(MeetingRoomPasswordsTest, SlowHashesAreBudgetedButVerifiedPasswordsAreNot) {
  std::int64_t now = 1'000'000;
  RoomPasswords passwords(1000, RateLimit{.per_second = 1, .burst = 2},
                          RateLimit{.per_second = 1, .burst = 1}, now);
  const std::string stored = PasswordHasher(1000).hash("secret");  // as if loaded from the store
  EXPECT_FALSE(passwords.matches("r", stored, "guess", now));      // slow: budget 2 -> 1
  EXPECT_TRUE(passwords.matches("r", stored, "secret", now));      // slow: budget 1 -> 0
  for (int i = 0; i < 100; ++i) {                                  // fast from now on
    EXPECT_FALSE(passwords.matches("r", stored, "guess", now));
  }
  EXPECT_TRUE(passwords.matches("r", stored, "secret", now));

  const std::string other = PasswordHasher(1000).hash("other");
  try {
    passwords.matches("s", other, "other", now);
    FAIL() << "expected rate_limited";
  } catch (const RequestError& error) {
    EXPECT_EQ(error.code(), ErrorCode::rate_limited);
  }
  now += 1000;  // one more slow hash per second
  EXPECT_TRUE(passwords.matches("s", other, "other", now));
}

TEST(MeetingRoomPasswordsTest, SuspectsSpendABudgetOfTheirOwn) {
  const std::int64_t now = 1'000'000;
  RoomPasswords passwords(1000, RateLimit{.per_second = 1, .burst = 1},
                          RateLimit{.per_second = 0.5, .burst = 2}, now);
  const std::string stored = PasswordHasher(1000).hash("secret");
  EXPECT_FALSE(passwords.matches("r", stored, "guess", now, HashBudget::suspect));
  EXPECT_FALSE(passwords.matches("r", stored, "guess", now, HashBudget::suspect));
  try {
    passwords.matches("r", stored, "guess", now, HashBudget::suspect);
    FAIL() << "expected rate_limited";
  } catch (const RequestError& error) {
    EXPECT_EQ(error.code(), ErrorCode::rate_limited);
    EXPECT_EQ(error.limit(), Limit::password_hashing);
    EXPECT_EQ(error.retry_after_ms(), 2000);  // 0.5 per second
  }
  // The guesser spent only its own budget: a clean address still gets its slow check.
  EXPECT_TRUE(passwords.matches("r", stored, "secret", now, HashBudget::clean));
}

TEST(MeetingRoomPasswordsTest, ANewHashIsCheckedAgainstItselfNotTheOldOne) {
  RoomPasswords passwords(1000, RateLimit{.per_second = 100, .burst = 100},
                          RateLimit{.per_second = 100, .burst = 100}, 0);
  const std::string first = passwords.hash("r", "one", 0);
  EXPECT_TRUE(passwords.matches("r", first, "one", 0));
  const std::string second = passwords.hash("r", "two", 0);
  EXPECT_FALSE(passwords.matches("r", second, "one", 0));
  EXPECT_TRUE(passwords.matches("r", second, "two", 0));
  EXPECT_FALSE(passwords.matches("r", first, "two", 0));  // stale hash: slow path, still wrong
}

TEST(MeetingTokenBucketTest, AllowsTheBurstThenRefillsAtTheRate) {
  TokenBucket bucket(RateLimit{.per_second = 5, .burst = 10}, 0);
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(bucket.try_take(0)) << i;
  EXPECT_FALSE(bucket.try_take(0));
  EXPECT_FALSE(bucket.try_take(199));  // 0.995 tokens
  EXPECT_TRUE(bucket.try_take(200));
  EXPECT_FALSE(bucket.try_take(200));
  EXPECT_FALSE(bucket.try_take(100));  // the clock went back: nothing refilled
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(bucket.try_take(60'000)) << i;  // capped at burst
  EXPECT_FALSE(bucket.try_take(60'000));
}

TEST(MeetingTokenBucketTest, ZeroRateMeansUnlimited) {
  KeyedRateLimiter limiter(RateLimit{.per_second = 0, .burst = 0});
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(limiter.allow("a", 0));
  EXPECT_EQ(limiter.size(), 0u);
}

TEST(MeetingTokenBucketTest, KeyedLimiterKeepsOneBucketPerKey) {
  KeyedRateLimiter limiter(RateLimit{.per_second = 1, .burst = 1});
  EXPECT_TRUE(limiter.allow("a", 0));
  EXPECT_FALSE(limiter.allow("a", 0));
  EXPECT_TRUE(limiter.allow("b", 0));
  limiter.forget("a");
  EXPECT_TRUE(limiter.allow("a", 0));
  EXPECT_EQ(limiter.size(), 2u);
}

}  // namespace
}  // namespace confab::meeting
