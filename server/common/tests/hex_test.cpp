#include "common/hex.hpp"

#include <gtest/gtest.h>

namespace confab::common {
namespace {

TEST(HexTest, DigitValuesInEitherCase) {
  EXPECT_EQ(hex_digit_value('0'), 0);
  EXPECT_EQ(hex_digit_value('9'), 9);
  EXPECT_EQ(hex_digit_value('a'), 10);
  EXPECT_EQ(hex_digit_value('F'), 15);
  EXPECT_EQ(hex_digit_value('g'), -1);
  EXPECT_EQ(hex_digit_value(':'), -1);
}

TEST(HexTest, ParsesColonSeparatedBytes) {
  EXPECT_EQ(parse_colon_hex("00:7f:FF", 3), (std::vector<std::uint8_t>{0x00, 0x7F, 0xFF}));
  EXPECT_EQ(parse_colon_hex("AB", 1), (std::vector<std::uint8_t>{0xAB}));
}

TEST(HexTest, RejectsAnythingButExactlySizePairs) {
  EXPECT_EQ(parse_colon_hex("00:7f", 3), std::nullopt);      // too short
  EXPECT_EQ(parse_colon_hex("00:7f:ff:", 3), std::nullopt);  // trailing colon
  EXPECT_EQ(parse_colon_hex("00-7f-ff", 3), std::nullopt);   // wrong separator
  EXPECT_EQ(parse_colon_hex("0g:7f:ff", 3), std::nullopt);   // not hex
  EXPECT_EQ(parse_colon_hex("", 0), std::nullopt);
}

}  // namespace
}  // namespace confab::common
