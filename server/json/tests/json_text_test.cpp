#include "json/json_text.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace confab::json {
namespace {

TEST(JsonText, ValidAcceptsJsonAndRejectsTheRest) {
  JsonText reader(4);
  EXPECT_TRUE(reader.valid(R"({"a":[1,2,{"b":null}],"c":"\u00e9"})"));
  EXPECT_TRUE(reader.valid(R"("just a string")"));
  for (const std::string& bad : std::vector<std::string>{
           R"({"a":1)", R"({"a":1}})", R"({"a":01})", R"(["a",])", R"({'a':1})",
           std::string("[\"\xff\"]"), std::string("[\"a\0\"]", 6), std::string(""),
           R"([[[[[1]]]]])" /* depth 5 > 4 */}) {
    EXPECT_FALSE(reader.valid(bad)) << bad;
  }
}

TEST(JsonText, ElementsAreViewsOfTheOriginalText) {
  JsonText reader(8);
  const std::string text = R"([ "ice_candidate" , {"x": [1, 2] , "y":"}"} ,null,  -1.5e3 ])";
  ASSERT_TRUE(reader.valid(text));
  std::vector<std::string_view> elements;
  ASSERT_TRUE(reader.elements(text, elements));
  ASSERT_EQ(elements.size(), 4u);
  EXPECT_EQ(elements[0], R"("ice_candidate")");
  EXPECT_EQ(elements[1], R"({"x": [1, 2] , "y":"}"})");
  EXPECT_EQ(elements[2], "null");
  EXPECT_EQ(elements[3], "-1.5e3");
  EXPECT_EQ(elements[1].data(), text.data() + text.find('{'));  // not a copy
  EXPECT_FALSE(reader.elements(R"({"a":1})", elements));
}

TEST(JsonText, FieldsKeepTheirTextAndUnescapeTheKey) {
  JsonText reader(8);
  const std::string text =
      R"({"other\u005fuser_id" : "p2", "candidate":{"c":"a\"b"},"n":true,"n":[]})";
  std::vector<JsonField> fields;
  ASSERT_TRUE(reader.fields(text, fields));
  ASSERT_EQ(fields.size(), 4u);
  EXPECT_EQ(fields[0].key, "other_user_id");
  EXPECT_EQ(fields[0].text, R"("other\u005fuser_id" : "p2")");
  EXPECT_EQ(fields[0].value, R"("p2")");
  EXPECT_EQ(fields[1].text, R"("candidate":{"c":"a\"b"})");
  EXPECT_EQ(type_of(fields[1].value), JsonType::object);
  EXPECT_EQ(fields[2].value, "true");
  EXPECT_EQ(type_of(fields[2].value), JsonType::boolean);
  EXPECT_EQ(fields[3].key, "n");  // duplicates are kept, in order
  EXPECT_EQ(type_of(fields[3].value), JsonType::array);
  EXPECT_FALSE(reader.fields("[1]", fields));
  EXPECT_FALSE(reader.fields("null", fields));
}

TEST(JsonText, StringUnescapes) {
  JsonText reader(8);
  EXPECT_EQ(reader.string(R"("a\nb\u00e9")"), "a\nb\xc3\xa9");
  EXPECT_EQ(reader.string("12"), std::nullopt);
  EXPECT_EQ(reader.string("{}"), std::nullopt);
}

TEST(JsonText, GrowsForLargeInput) {
  JsonText reader(8);
  const std::string big = "[\"" + std::string(100000, 'x') + "\"]";
  ASSERT_TRUE(reader.valid(big));
  std::vector<std::string_view> elements;
  ASSERT_TRUE(reader.elements(big, elements));
  EXPECT_EQ(elements[0].size(), 100002u);
}

}  // namespace
}  // namespace confab::json
