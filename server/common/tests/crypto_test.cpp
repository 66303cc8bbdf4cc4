// Checked against published or independently computed vectors (openssl dgst, Python's
// hmac/hashlib).
#include "common/crypto.hpp"

#include <gtest/gtest.h>

#include "common/base64.hpp"

namespace confab::common {
namespace {

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    out.push_back(kDigits[(static_cast<unsigned char>(c) >> 4) & 0xF]);
    out.push_back(kDigits[static_cast<unsigned char>(c) & 0xF]);
  }
  return out;
}

TEST(CryptoTest, HmacSha256MatchesRfc4231) {
  EXPECT_EQ(hex(crypto::hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(CryptoTest, HmacSha1MatchesOpensslDgst) {
  // printf '%s' 1700086400:peer-1 | openssl dgst -sha1 -hmac north-wind -binary | base64
  EXPECT_EQ(base64_encode(crypto::hmac_sha1("north-wind", "1700086400:peer-1")),
            "VKlwgioltei0kn+zDgJOJyz4pxI=");
}

TEST(CryptoTest, Pbkdf2MatchesRfc7914Vector) {
  EXPECT_EQ(hex(crypto::pbkdf2_sha256("password", "salt", 1, 32)),
            "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b");
}

TEST(CryptoTest, ConstantTimeEqualityAndRandomBytes) {
  EXPECT_TRUE(crypto::equal_constant_time("abc", "abc"));
  EXPECT_FALSE(crypto::equal_constant_time("abc", "abd"));
  EXPECT_FALSE(crypto::equal_constant_time("abc", "abcd"));
  EXPECT_EQ(crypto::secure_random_bytes(16).size(), 16u);
  EXPECT_NE(crypto::secure_random_bytes(16), crypto::secure_random_bytes(16));
}

}  // namespace
}  // namespace confab::common
