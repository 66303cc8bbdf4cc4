#include "json/json_writer.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace confab::json {
namespace {

TEST(JsonWriter, WritesNestedValuesWithCommasInTheRightPlaces) {
  JsonWriter w;
  w.begin_object()
      .field("ok", true)
      .field("name", "Ada")
      .key("list")
      .begin_array()
      .value(1)
      .begin_object()
      .end_object()
      .begin_array()
      .end_array()
      .null()
      .raw(R"({"x":[1]})")
      .end_array()
      .field("n", std::int64_t{-42})
      .end_object();
  EXPECT_EQ(w.text(), R"({"ok":true,"name":"Ada","list":[1,{},[],null,{"x":[1]}],"n":-42})");
  EXPECT_EQ(nlohmann::json::parse(w.text())["list"][4]["x"][0], 1);
}

TEST(JsonWriter, IntegersKeepEveryDigit) {
  JsonWriter w;
  w.begin_array()
      .value(std::numeric_limits<std::int64_t>::min())
      .value(std::numeric_limits<std::int64_t>::max())
      .value(0u)
      .end_array();
  EXPECT_EQ(w.text(), "[-9223372036854775808,9223372036854775807,0]");
}

TEST(JsonWriter, StringsRoundTripThroughAParser) {
  std::string every_control;
  for (char c = 1; c < 0x20; ++c) every_control.push_back(c);
  for (const std::string& s :
       {std::string("plain"), std::string(""), std::string("quote \" and \\ backslash"),
        std::string("</script><b>"), std::string("\xe4\xbd\xa0\xe5\xa5\xbd \xf0\x9f\x8e\xa5"),
        std::string("nul\0inside", 10), every_control}) {
    JsonWriter w;
    w.begin_object().field(s, s).end_object();
    const auto parsed = nlohmann::json::parse(w.text());
    ASSERT_EQ(parsed.size(), 1u) << w.text();
    EXPECT_EQ(parsed.begin().key(), s);
    EXPECT_EQ(parsed.begin().value().get<std::string>(), s);
  }
  JsonWriter w;
  w.value("tab\there\x01");
  EXPECT_EQ(w.text(), R"("tab\there\u0001")");
}

TEST(JsonWriter, RefusesInvalidUtf8) {
  for (const std::string& bad :
       {std::string("\xff"), std::string("a\xc3"), std::string("\xed\xa0\x80") /* a surrogate */}) {
    JsonWriter w;
    EXPECT_THROW(w.value(bad), std::invalid_argument);
    JsonWriter k;
    EXPECT_THROW(k.begin_object().key(bad), std::invalid_argument);
  }
}

}  // namespace
}  // namespace confab::json
