#include "meeting/utf8.hpp"

#include <gtest/gtest.h>

namespace confab::meeting::utf8 {
namespace {

TEST(MeetingUtf8Test, DecodesEveryLength) {
  EXPECT_EQ(decode("A", 0)->value, U'A');
  EXPECT_EQ(decode("é", 0)->value, U'é');
  EXPECT_EQ(decode("名", 0)->value, U'名');
  EXPECT_EQ(decode("🐉", 0)->value, U'🐉');
  EXPECT_EQ(decode("🐉", 0)->length, 4u);
}

TEST(MeetingUtf8Test, RejectsMalformedSequences) {
  for (const std::string bad :
       {"\x80", "\xff", "\xc3", "\xc3\x28", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80",
        "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80", "ok\xe2\x82"}) {
    EXPECT_FALSE(is_valid(bad)) << ::testing::PrintToString(bad);
  }
  EXPECT_TRUE(is_valid(""));
  EXPECT_TRUE(is_valid("plain ascii, 中文, emoji 👋🏽, max \xf4\x8f\xbf\xbf"));
}

TEST(MeetingUtf8Test, TrimsUnicodeWhiteSpace) {
  EXPECT_EQ(trim("  x  "), "x");
  EXPECT_EQ(trim("\u3000\u00a0\t名 字\u2003\n"), "名 字");
  EXPECT_EQ(trim(" \t "), "");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim(" \xff "), std::nullopt);
}

TEST(MeetingUtf8Test, CountsCodePoints) {
  EXPECT_EQ(count_code_points(""), 0u);
  EXPECT_EQ(count_code_points("abc"), 3u);
  EXPECT_EQ(count_code_points("名字"), 2u);
  EXPECT_EQ(count_code_points("👋🏽"), 2u);  // emoji + skin tone modifier
}

TEST(MeetingUtf8Test, FindsControlCharacters) {
  EXPECT_FALSE(contains_control("Ada Lovelace 名"));
  EXPECT_TRUE(contains_control(std::string("a\0b", 3)));
  EXPECT_TRUE(contains_control("a\x1b[31m"));
  EXPECT_TRUE(contains_control("a\x7f"));
  EXPECT_TRUE(contains_control("a\u009b"));
  EXPECT_TRUE(contains_control("tab\t"));
}

}  // namespace
}  // namespace confab::meeting::utf8
