#include "http/message.hpp"

#include <gtest/gtest.h>

namespace confab::http {
namespace {

TEST(HttpQuery, ParsesAndDecodes) {
  auto q = http::parse_query("EIO=4&transport=polling&t=a%20b+c&flag&sid=x%2");
  EXPECT_EQ(q["EIO"], "4");
  EXPECT_EQ(q["transport"], "polling");
  EXPECT_EQ(q["t"], "a b c");
  EXPECT_EQ(q["flag"], "");
  EXPECT_EQ(q["sid"], "x%2");
}

TEST(HttpQuery, PercentDecodesOnlyWholeEscapes) {
  EXPECT_EQ(percent_decode("%41%62%2f"), "Ab/");
  EXPECT_EQ(percent_decode("100%"), "100%");
  EXPECT_EQ(percent_decode("%zz"), "%zz");
  EXPECT_EQ(percent_decode("a+b"), "a b");
}

}  // namespace
}  // namespace confab::http
