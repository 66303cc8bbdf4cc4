#include "meeting/validation.hpp"

#include <gtest/gtest.h>

#include "meeting/error_code.hpp"

namespace confab::meeting {
namespace {

ErrorCode code_of(auto&& action) {
  try {
    action();
  } catch (const RequestError& error) {
    return error.code();
  }
  ADD_FAILURE() << "expected RequestError";
  return ErrorCode::internal_error;
}

TEST(MeetingValidationTest, RoomIds) {
  EXPECT_NO_THROW(validate_room_id("a"));
  EXPECT_NO_THROW(validate_room_id("Team_1-A"));
  EXPECT_NO_THROW(validate_room_id(std::string(64, 'x')));
  for (const std::string& bad :
       std::vector<std::string>{"", " ", "a.b", "名", "a\nb", std::string(65, 'x')}) {
    EXPECT_EQ(code_of([&] { validate_room_id(bad); }), ErrorCode::invalid_room) << bad;
  }
}

TEST(MeetingValidationTest, DisplayNames) {
  EXPECT_EQ(validate_display_name(" Ada "), "Ada");
  EXPECT_EQ(code_of([] { validate_display_name(""); }), ErrorCode::invalid_name);
  EXPECT_EQ(code_of([] { validate_display_name("a\x01"); }), ErrorCode::invalid_name);
  EXPECT_EQ(code_of([] { validate_display_name(std::string(65, 'n')); }), ErrorCode::invalid_name);
  EXPECT_EQ(validate_display_name(std::string(64, 'n')), std::string(64, 'n'));
}

TEST(MeetingValidationTest, ChatText) {
  EXPECT_EQ(validate_chat_text("\n hi \n", 10), "hi");
  EXPECT_EQ(validate_chat_text("line\nline", 10), "line\nline");
  EXPECT_EQ(code_of([] { validate_chat_text(" ", 10); }), ErrorCode::too_long);
  EXPECT_EQ(code_of([] { validate_chat_text("12345678901", 10); }), ErrorCode::too_long);
  EXPECT_EQ(code_of([] { validate_chat_text("\xff", 10); }), ErrorCode::bad_request);
}

}  // namespace
}  // namespace confab::meeting
