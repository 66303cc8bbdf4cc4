#include "common/base64.hpp"

#include <gtest/gtest.h>

namespace confab::common {
namespace {

TEST(Base64Test, EncodesRfc4648Vectors) {
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

TEST(Base64Test, DecodesOnlyCanonicalText) {
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

TEST(Base64Test, RejectsWhatEngineIoPollingMustRefuse) {
  EXPECT_EQ(base64_decode("!!!!"), std::nullopt);    // not the alphabet
  EXPECT_EQ(base64_decode("AQIDB"), std::nullopt);   // not a multiple of 4
  EXPECT_EQ(base64_decode("A=QI"), std::nullopt);    // padding inside
  EXPECT_EQ(base64_decode("AQ I"), std::nullopt);    // white space
  EXPECT_EQ(base64_decode("AR=="), std::nullopt);    // non-zero unused bits ("AQ==")
  EXPECT_EQ(base64_decode("A==="), std::nullopt);    // three padding characters
  EXPECT_EQ(base64_decode("AQ==\n"), std::nullopt);  // trailing newline
  EXPECT_EQ(base64_decode("AQ=="), "\x01");
}

TEST(Base64Test, RoundTripsAllLengths) {
  std::string bytes;
  for (int i = 0; i < 40; ++i) {
    auto decoded = base64_decode(base64_encode(bytes));
    ASSERT_TRUE(decoded);
    EXPECT_EQ(*decoded, bytes);
    auto url = base64url_decode(base64url_encode(bytes));
    ASSERT_TRUE(url);
    EXPECT_EQ(*url, bytes);
    bytes.push_back(static_cast<char>(i * 37));
  }
}

}  // namespace
}  // namespace confab::common
