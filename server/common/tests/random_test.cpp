#include "common/random.hpp"

#include <gtest/gtest.h>

#include <set>

#include "common/base64.hpp"

namespace confab::common {
namespace {

class CountingSource final : public RandomSource {
 public:
  std::uint64_t next_u64() override { return next_++; }

 private:
  std::uint64_t next_ = 0;
};

TEST(RandomTest, TokenTakesOneCharacterPerDraw) {
  CountingSource counting;
  EXPECT_EQ(random_token(counting, 4), "abcd");
  EXPECT_EQ(random_token(counting, 3, "xy"), "xyx");  // draws 4, 5, 6 mod 2
  EXPECT_EQ(random_token(counting, 0), "");
}

TEST(RandomTest, SecureTokensUseOnlyTheAlphabetAndDiffer) {
  SecureRandomSource secure;
  const std::string a = random_token(secure, 32, kAlphanumeric);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a.find_first_not_of(kAlphanumeric), std::string::npos);
  EXPECT_NE(a, random_token(secure, 32, kAlphanumeric));
}

TEST(RandomTest, SystemSourceIsSeededDifferentlyEachTime) {
  SystemRandomSource one;
  SystemRandomSource two;
  EXPECT_NE(random_token(one, 20), random_token(two, 20));
}

TEST(RandomTest, SecureIdIsUnpaddedBase64UrlOfTheGivenBytes) {
  const std::string id = secure_random_id();
  EXPECT_EQ(id.size(), 20u);  // 15 bytes
  EXPECT_EQ(base64url_decode(id)->size(), 15u);
  EXPECT_EQ(secure_random_id(16).size(), 22u);
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(secure_random_id());
  EXPECT_EQ(ids.size(), 1000u);
}

}  // namespace
}  // namespace confab::common
