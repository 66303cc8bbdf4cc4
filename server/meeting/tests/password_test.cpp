// Password hashing and its rate-limited verification (the primitives: common/tests/crypto_test).
#include <gmock/gmock.h>

#include "meeting/error_code.hpp"
#include "meeting/password_hasher.hpp"
#include "meeting/room_passwords.hpp"

namespace confab::meeting {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

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
  RoomPasswords passwords(1000, common::RateLimit{.per_second = 1, .burst = 2},
                          common::RateLimit{.per_second = 1, .burst = 1}, now);
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
  RoomPasswords passwords(1000, common::RateLimit{.per_second = 1, .burst = 1},
                          common::RateLimit{.per_second = 0.5, .burst = 2}, now);
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
  RoomPasswords passwords(1000, common::RateLimit{.per_second = 100, .burst = 100},
                          common::RateLimit{.per_second = 100, .burst = 100}, 0);
  const std::string first = passwords.hash("r", "one", 0);
  EXPECT_TRUE(passwords.matches("r", first, "one", 0));
  const std::string second = passwords.hash("r", "two", 0);
  EXPECT_FALSE(passwords.matches("r", second, "one", 0));
  EXPECT_TRUE(passwords.matches("r", second, "two", 0));
  EXPECT_FALSE(passwords.matches("r", first, "two", 0));  // stale hash: slow path, still wrong
}

}  // namespace
}  // namespace confab::meeting
