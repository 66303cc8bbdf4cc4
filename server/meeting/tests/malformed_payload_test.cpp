// Every malformed payload gets the right error code, names the field, and sends nothing.
#include <gmock/gmock.h>

#include <ostream>

#include "meeting/tests/meeting_fixture.hpp"

namespace confab::meeting::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

struct MalformedCase {
  const char* label;
  const char* event;
  json payload;
  const char* code;
  const char* message_part;  // e.g. the field name
};

// Payloads may hold invalid UTF-8, which json's printer rejects: print the label only.
void PrintTo(const MalformedCase& c, std::ostream* os) {
  *os << c.label;
}

json offer(json description) {
  return {{"other_user_id", "b"}, {"offer", std::move(description)}};
}
json answer(json description) {
  return {{"other_user_id", "b"}, {"answer", std::move(description)}};
}

const json kValidOffer{{"type", "offer"}, {"sdp", "v=0"}};

std::vector<MalformedCase> malformed_cases() {
  return {
      {"join_null", "join_room", nullptr, "bad_request", "payload"},
      {"join_array", "join_room", json::array({"r"}), "bad_request", "payload"},
      {"join_string", "join_room", "r", "bad_request", "payload"},
      {"join_no_room", "join_room", json::object(), "bad_request", "'room'"},
      {"join_room_number", "join_room", {{"room", 1}}, "bad_request", "'room'"},
      {"join_room_null", "join_room", {{"room", nullptr}}, "bad_request", "'room'"},
      {"join_name_number", "join_room", {{"room", "r2"}, {"name", 5}}, "bad_request", "'name'"},
      {"join_name_object",
       "join_room",
       {{"room", "r2"}, {"name", {{"first", "A"}}}},
       "bad_request",
       "'name'"},
      {"join_audio_string",
       "join_room",
       {{"room", "r2"}, {"audio", "yes"}},
       "bad_request",
       "'audio'"},
      {"join_video_number", "join_room", {{"room", "r2"}, {"video", 1}}, "bad_request", "'video'"},
      {"join_password_number",
       "join_room",
       {{"room", "r2"}, {"password", 5}},
       "bad_request",
       "'password'"},
      {"join_token_object",
       "join_room",
       {{"room", "r2"}, {"token", json::object()}},
       "bad_request",
       "'token'"},
      {"join_bad_room", "join_room", {{"room", "no spaces"}}, "invalid_room", "room"},
      {"join_empty_name", "join_room", {{"room", "r2"}, {"name", " "}}, "invalid_name", "name"},
      {"join_invalid_utf8_name",
       "join_room",
       {{"room", "r2"}, {"name", "\xed\xa0\x80"}},
       "invalid_name",
       "UTF-8"},
      {"leave_number", "leave_room", 5, "bad_request", "payload"},
      {"leave_array", "leave_room", json::array(), "bad_request", "payload"},
      {"offer_null", "offer", nullptr, "bad_request", "payload"},
      {"offer_no_target", "offer", {{"offer", kValidOffer}}, "bad_request", "'other_user_id'"},
      {"offer_target_number",
       "offer",
       {{"other_user_id", 7}, {"offer", kValidOffer}},
       "bad_request",
       "'other_user_id'"},
      {"offer_target_null",
       "offer",
       {{"other_user_id", nullptr}, {"offer", kValidOffer}},
       "bad_request",
       "'other_user_id'"},
      {"offer_missing", "offer", {{"other_user_id", "b"}}, "bad_request", "'offer'"},
      {"offer_string", "offer", offer("v=0"), "bad_request", "'offer'"},
      {"offer_null_description", "offer", offer(nullptr), "bad_request", "'offer'"},
      {"offer_no_sdp", "offer", offer({{"type", "offer"}}), "bad_request", "'sdp'"},
      {"offer_sdp_number", "offer", offer({{"type", "offer"}, {"sdp", 1}}), "bad_request", "'sdp'"},
      {"offer_no_type", "offer", offer({{"sdp", "v=0"}}), "bad_request", "'type'"},
      {"answer_array", "answer", answer(json::array()), "bad_request", "'answer'"},
      {"answer_type_bool", "answer", answer({{"type", true}, {"sdp", "v=0"}}), "bad_request",
       "'type'"},
      {"ice_missing", "ice_candidate", {{"other_user_id", "b"}}, "bad_request", "'candidate'"},
      {"ice_string",
       "ice_candidate",
       {{"other_user_id", "b"}, {"candidate", "candidate:1"}},
       "bad_request",
       "'candidate'"},
      {"message_null", "message", nullptr, "bad_request", "payload"},
      {"message_no_text", "message", json::object(), "bad_request", "'text'"},
      {"message_text_number", "message", {{"text", 5}}, "bad_request", "'text'"},
      {"message_text_null", "message", {{"text", nullptr}}, "bad_request", "'text'"},
      {"message_text_array", "message", {{"text", json::array({"a"})}}, "bad_request", "'text'"},
      {"message_invalid_utf8", "message", {{"text", "\xc3\x28"}}, "bad_request", "UTF-8"},
      {"message_blank", "message", {{"text", "   "}}, "too_long", "empty"},
      {"media_array", "media_state", json::array(), "bad_request", "payload"},
      {"media_audio_number", "media_state", {{"audio", 1}}, "bad_request", "'audio'"},
      {"media_video_string", "media_state", {{"video", "true"}}, "bad_request", "'video'"},
      {"media_screen_null", "media_state", {{"screen", nullptr}}, "bad_request", "'screen'"},
      {"media_hand_array", "media_state", {{"hand", json::array()}}, "bad_request", "'hand'"},
      {"unknown_event", "nope", json::object(), "unknown_event", "unknown"},
      {"empty_event_name", "", json::object(), "unknown_event", "unknown"},
  };
}

class MeetingMalformedPayloadTest : public MeetingTest,
                                    public ::testing::WithParamInterface<MalformedCase> {
 protected:
  void SetUp() override {
    join_quietly("a", "r");
    join_quietly("b", "r");
  }
};

TEST_P(MeetingMalformedPayloadTest, IsRejectedWithTheRightCodeAndSendsNothing) {
  const MalformedCase& c = GetParam();
  const auto before = meeting().stats();
  const auto ack = call("a", c.event, c.payload);
  EXPECT_EQ(ack["ok"], false);
  EXPECT_EQ(error_code(ack), c.code);
  EXPECT_THAT(error_message(ack), HasSubstr(c.message_part));
  EXPECT_THAT(outbox.sent, IsEmpty());
  EXPECT_EQ(meeting().stats().errors_by_code.at(c.code), before.errors_by_code.at(c.code) + 1);
  EXPECT_EQ(meeting().stats().participants, 2u);  // nobody left or joined
}

TEST_P(MeetingMalformedPayloadTest, MovedPayloadIsRejectedTheSameWay) {
  const MalformedCase& c = GetParam();
  json payload = c.payload;
  const auto ack = meeting().handle("a", c.event, std::move(payload));
  EXPECT_EQ(error_code(ack), c.code);
  EXPECT_THAT(outbox.sent, IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(AllEvents, MeetingMalformedPayloadTest,
                         ::testing::ValuesIn(malformed_cases()),
                         [](const auto& info) { return std::string(info.param.label); });

struct NotJoinedCase {
  const char* event;
  json payload;
};
void PrintTo(const NotJoinedCase& c, std::ostream* os) {
  *os << c.event;
}

class MeetingNotJoinedTest : public MeetingTest,
                             public ::testing::WithParamInterface<NotJoinedCase> {};

TEST_P(MeetingNotJoinedTest, EventBeforeJoinIsNotInRoom) {
  join_quietly("b", "r");
  const auto ack = call("a", GetParam().event, GetParam().payload);
  EXPECT_EQ(error_code(ack), "not_in_room");
  EXPECT_THAT(outbox.sent, IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(
    AllRoomEvents, MeetingNotJoinedTest,
    ::testing::Values(NotJoinedCase{"leave_room", json::object()},
                      NotJoinedCase{"offer", {{"other_user_id", "b"}, {"offer", kValidOffer}}},
                      NotJoinedCase{"answer", {{"other_user_id", "b"}, {"answer", kValidOffer}}},
                      NotJoinedCase{"ice_candidate",
                                    {{"other_user_id", "b"}, {"candidate", nullptr}}},
                      NotJoinedCase{"message", {{"text", "hi"}}},
                      NotJoinedCase{"media_state", {{"audio", false}}}),
    [](const auto& info) { return std::string(info.param.event); });

TEST(MeetingEventsTest, HandlesExactlyTheProtocolEvents) {
  RecordingOutbox outbox;
  auto store = store::SqliteStore::open_in_memory();
  FixedClock clock;
  CountingRandomSource random;
  Meeting meeting(outbox, store, MeetingConfig{}, clock, random);
  const auto code = [&](const char* event) {
    const json ack = meeting.handle("p", event, json::object());
    return ack.value("ok", false) ? std::string() : ack["error"]["code"].get<std::string>();
  };
  for (const auto* event : {"join_room",
                            "leave_room",
                            "offer",
                            "answer",
                            "ice_candidate",
                            "message",
                            "media_state",
                            "set_password",
                            "lock_room",
                            "set_waiting_room",
                            "kick",
                            "mute_request",
                            "end_meeting",
                            "admit",
                            "deny",
                            "sfu_capabilities",
                            "sfu_create_transport",
                            "sfu_connect_transport",
                            "sfu_restart_ice",
                            "sfu_produce",
                            "sfu_close_producer",
                            "sfu_pause_producer",
                            "sfu_resume_producer",
                            "sfu_consume",
                            "sfu_pause_consumer",
                            "sfu_resume_consumer",
                            "sfu_request_keyframe",
                            "sfu_pin",
                            "sfu_consumer_layers"}) {
    EXPECT_NE(code(event), "unknown_event") << event;
  }
  for (const auto* event :
       {"", "new_user", "user_left", "peer_state", "knock", "kicked", "admitted", "denied",
        "room_state", "role_changed", "JOIN_ROOM", "room_mode", "sfu_producer_added",
        "sfu_transport_closed", "sfu_consumer_forwarding"}) {
    EXPECT_EQ(code(event), "unknown_event") << event;
  }
}

}  // namespace
}  // namespace confab::meeting::testing
