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

// Text that would display as something it is not: direction overrides that reverse what
// follows, nothing visible at all, terminal escapes.
TEST(MeetingValidationTest, NamesWithBidiOverridesInvisibleOnlyOrControlsAreRefused) {
  for (const std::string& bad : std::vector<std::string>{
           "Ada\u202Egnp.exe",          // RIGHT-TO-LEFT OVERRIDE
           "\u202AAda",                 // LEFT-TO-RIGHT EMBEDDING
           "Ada\u2066x\u2069",          // LEFT-TO-RIGHT ISOLATE ... POP DIRECTIONAL ISOLATE
           "\u200B",                    // ZERO WIDTH SPACE only
           "\u200B\u200D\uFEFF\u2060",  // several invisible characters only
           "\u3164",                    // HANGUL FILLER only
           std::string("Ada\0", 4),     // NUL
           "Ada\x1b[31m",               // ESC
           "A\u0085da",                 // NEXT LINE (C1)
           "Ada\u009b",                 // CSI (C1)
       }) {
    EXPECT_EQ(code_of([&] { validate_display_name(bad); }), ErrorCode::invalid_name) << bad;
  }
  // Real names keep their joiners, marks and scripts.
  EXPECT_EQ(validate_display_name("\U0001F469\u200D\U0001F4BB Ada"),
            "\U0001F469\u200D\U0001F4BB Ada");
  EXPECT_EQ(validate_display_name("\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645"),
            "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645");  // Persian with ZWNJ
  EXPECT_EQ(validate_display_name("\u05E9\u05E8\u05D4\u200F"),
            "\u05E9\u05E8\u05D4\u200F");  // RLM is a mark
}

TEST(MeetingValidationTest, ChatWithBidiOverridesInvisibleOnlyOrControlsIsRefused) {
  for (const std::string& bad : std::vector<std::string>{
           "see \u202Etxt.exe",
           "\u2067hidden\u2069",
           "\u200B\u200B\u200B",
           "\u00AD",
           std::string("a\0b", 3),
           "\x1b[2Jcleared",
           "carriage\rreturn",
           "bell\x07",
           "del\x7f",
       }) {
    EXPECT_EQ(code_of([&] { validate_chat_text(bad, 100); }), ErrorCode::invalid_message) << bad;
  }
  EXPECT_EQ(validate_chat_text("a\tb\nc", 100), "a\tb\nc");
  EXPECT_EQ(validate_chat_text("\U0001F44B\U0001F3FD", 100), "\U0001F44B\U0001F3FD");
}

}  // namespace
}  // namespace confab::meeting
