#include "common/utf8.hpp"

#include <gtest/gtest.h>

namespace confab::common::utf8 {
namespace {

TEST(Utf8Test, DecodesEveryLength) {
  EXPECT_EQ(decode("A", 0)->value, U'A');
  EXPECT_EQ(decode("é", 0)->value, U'é');
  EXPECT_EQ(decode("名", 0)->value, U'名');
  EXPECT_EQ(decode("🐉", 0)->value, U'🐉');
  EXPECT_EQ(decode("🐉", 0)->length, 4u);
}

TEST(Utf8Test, RejectsMalformedSequences) {
  for (const std::string bad :
       {"\x80", "\xff", "\xc3", "\xc3\x28", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80",
        "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80", "ok\xe2\x82"}) {
    EXPECT_FALSE(is_valid(bad)) << ::testing::PrintToString(bad);
  }
  EXPECT_TRUE(is_valid(""));
  EXPECT_TRUE(is_valid("plain ascii, 中文, emoji 👋🏽, max \xf4\x8f\xbf\xbf"));
}

TEST(Utf8Test, TrimsUnicodeWhiteSpace) {
  EXPECT_EQ(trim("  x  "), "x");
  EXPECT_EQ(trim("\u3000\u00a0\t名 字\u2003\n"), "名 字");
  EXPECT_EQ(trim(" \t "), "");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim(" \xff "), std::nullopt);
}

TEST(Utf8Test, CountsCodePoints) {
  EXPECT_EQ(count_code_points(""), 0u);
  EXPECT_EQ(count_code_points("abc"), 3u);
  EXPECT_EQ(count_code_points("名字"), 2u);
  EXPECT_EQ(count_code_points("👋🏽"), 2u);  // emoji + skin tone modifier
}

TEST(Utf8Test, FindsControlCharacters) {
  EXPECT_FALSE(contains_control("Ada Lovelace 名"));
  EXPECT_TRUE(contains_control(std::string("a\0b", 3)));
  EXPECT_TRUE(contains_control("a\x1b[31m"));
  EXPECT_TRUE(contains_control("a\x7f"));
  EXPECT_TRUE(contains_control("a\u009b"));
  EXPECT_TRUE(contains_control("tab\t"));
}

// is_valid (SIMD) and decode (code point by code point) are two implementations of one rule.
TEST(Utf8Test, IsValidAgreesWithDecodeOnEveryTwoByteString) {
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      for (const std::string& text :
           {std::string{char(a), char(b)}, std::string{char(a), char(b), '\x80', '\x80'}}) {
        bool decodes = true;
        for (std::size_t pos = 0; decodes && pos < text.size();) {
          const auto decoded = decode(text, pos);
          decodes = decoded.has_value();
          if (decoded) pos += decoded->length;
        }
        ASSERT_EQ(is_valid(text), decodes) << ::testing::PrintToString(text);
      }
    }
  }
}

}  // namespace
}  // namespace confab::common::utf8
