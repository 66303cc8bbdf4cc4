#include <gmock/gmock.h>

#include "meeting/tests/meeting_fixture.hpp"
#include "store/tests/temp_dir.hpp"

namespace confab::meeting::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

using MeetingChatTest = MeetingTest;

TEST_F(MeetingChatTest, MessageGoesToTheWholeRoomIncludingTheSender) {
  join_quietly("a", "r");
  join_quietly("b", "r");
  join_quietly("x", "other");
  const auto ack = call("a", "message", {{"text", "  hello room  "}});
  ASSERT_EQ(error_code(ack), "ok") << ack.dump();

  EXPECT_THAT(outbox.recipients_of("message"), UnorderedElementsAre("a", "b"));
  ASSERT_EQ(outbox.sent.size(), 2u);
  const json& message = outbox.sent[0].data;
  EXPECT_EQ(message, json({{"id", ack["id"]},
                           {"user_id", "a"},
                           {"name", "a"},
                           {"text", "hello room"},
                           {"ts", clock.now}}));
  EXPECT_EQ(outbox.sent[1].data, message);
}

TEST_F(MeetingChatTest, APrivateMessageReachesItsTargetAndItsAuthorOnly) {
  join_quietly("a", "r");
  join_quietly("b", "r");
  join_quietly("c", "r");
  const auto ack = call("a", "message", {{"text", "just for you"}, {"to", "b"}});
  ASSERT_EQ(error_code(ack), "ok") << ack.dump();
  EXPECT_THAT(outbox.recipients_of("message"), UnorderedElementsAre("a", "b"));
  for (const auto& sent : outbox.sent) {
    EXPECT_EQ(sent.data, json({{"id", ack["id"]},
                               {"user_id", "a"},
                               {"name", "a"},
                               {"text", "just for you"},
                               {"ts", clock.now},
                               {"to", "b"}}));
  }
  // Kept out of the room's history: not stored, not in a late joiner's join ack.
  EXPECT_THAT(store.recent_messages("r", 10), IsEmpty());
  const auto late = join("d", "r");
  EXPECT_THAT(late["chat"], IsEmpty());
}

TEST_F(MeetingChatTest, APrivateMessageNeedsAnotherMemberOfTheRoom) {
  join_quietly("a", "r");
  join_quietly("x", "other");
  for (const char* to : {"a", "x", "nobody"}) {
    const auto ack = call("a", "message", {{"text", "psst"}, {"to", to}});
    EXPECT_EQ(error_code(ack), "unknown_peer") << to;
    EXPECT_EQ(error_message(ack), "to is not another member of your room");
  }
  EXPECT_EQ(error_code(call("a", "message", {{"text", "psst"}, {"to", 7}})), "bad_request");
  EXPECT_THAT(outbox.sent, IsEmpty());
}

TEST_F(MeetingChatTest, ServerAssignsIdTimestampAndAuthor) {
  join_quietly("a", "r");
  const auto ack = call(
      "a", "message", {{"text", "hi"}, {"id", "mine"}, {"ts", 1}, {"user_id", "b"}, {"name", "B"}});
  ASSERT_EQ(outbox.sent.size(), 1u);
  const json& message = outbox.sent[0].data;
  EXPECT_NE(message["id"], "mine");
  EXPECT_EQ(message["id"], ack["id"]);
  EXPECT_EQ(message["ts"], clock.now);
  EXPECT_EQ(message["user_id"], "a");
  EXPECT_EQ(message["name"], "a");
}

TEST_F(MeetingChatTest, MessagesGetDistinctIds) {
  join_quietly("a", "r");
  EXPECT_NE(call("a", "message", {{"text", "one"}})["id"],
            call("a", "message", {{"text", "two"}})["id"]);
}

TEST_F(MeetingChatTest, MessageIsStored) {
  join_quietly("a", "r");
  const auto ack = call("a", "message", {{"text", "keep me"}});
  const auto stored = store.recent_messages("r", 10);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].id, ack["id"]);
  EXPECT_EQ(stored[0].room, "r");
  EXPECT_EQ(stored[0].user_id, "a");
  EXPECT_EQ(stored[0].text, "keep me");
  EXPECT_EQ(stored[0].ts, clock.now);
}

TEST_F(MeetingChatTest, LengthLimitCountsCharacters) {
  join_quietly("a", "r");
  std::string longest;
  for (int i = 0; i < 2000; ++i) longest += "é";
  EXPECT_EQ(error_code(call("a", "message", {{"text", longest}})), "ok");
  outbox.clear();
  EXPECT_EQ(error_code(call("a", "message", {{"text", longest + "!"}})), "too_long");
  EXPECT_EQ(error_code(call("a", "message", {{"text", " \n\t "}})), "too_long");
  EXPECT_EQ(error_code(call("a", "message", {{"text", ""}})), "too_long");
  EXPECT_THAT(outbox.sent, IsEmpty());
  EXPECT_EQ(store.recent_messages("r", 10).size(), 1u);
}

TEST_F(MeetingChatTest, ConfiguredLimitApplies) {
  config.max_chat_length = 5;
  join_quietly("a", "r");
  EXPECT_EQ(error_code(call("a", "message", {{"text", "12345"}})), "ok");
  EXPECT_EQ(error_code(call("a", "message", {{"text", "123456"}})), "too_long");
}

TEST_F(MeetingChatTest, MultiLineUnicodeTextIsKept) {
  join_quietly("a", "r");
  call("a", "message", {{"text", "第一行\n第二行 👋🏽"}});
  ASSERT_EQ(outbox.sent.size(), 1u);
  EXPECT_EQ(outbox.sent[0].data["text"], "第一行\n第二行 👋🏽");
}

TEST_F(MeetingChatTest, JoinAckCarriesRecentHistoryOldestFirst) {
  config.chat_history_length = 3;
  join_quietly("a", "r");
  join_quietly("x", "other");
  for (const auto* text : {"1", "2", "3", "4", "5"}) call("a", "message", {{"text", text}});
  call("x", "message", {{"text", "other room"}});

  const auto ack = join("b", "r");
  std::vector<std::string> texts;
  for (const auto& message : ack["chat"]) texts.push_back(message["text"]);
  EXPECT_THAT(texts, ElementsAre("3", "4", "5"));
  EXPECT_EQ(ack["chat"][0], json({{"id", ack["chat"][0]["id"]},
                                  {"user_id", "a"},
                                  {"name", "a"},
                                  {"text", "3"},
                                  {"ts", clock.now}}));
}

TEST_F(MeetingChatTest, HistorySurvivesARestart) {
  confab::testing::TempDir dir;
  json sent_id;
  {
    store::SqliteStore file_store(dir.path());
    Meeting first(outbox, file_store, config, clock, random);
    first.handle("a", "join_room", json{{"room", "r"}, {"name", "Ada"}});
    sent_id = first.handle("a", "message", json{{"text", "before restart"}})["id"];
  }
  store::SqliteStore reopened(dir.path());
  Meeting second(outbox, reopened, config, clock, random);
  const auto ack = second.handle("b", "join_room", json{{"room", "r"}, {"name", "Bo"}});
  EXPECT_EQ(ack["participants"], json::array());
  EXPECT_EQ(ack["chat"], json::array({{{"id", sent_id},
                                       {"user_id", "a"},
                                       {"name", "Ada"},
                                       {"text", "before restart"},
                                       {"ts", clock.now}}}));
}

TEST_F(MeetingChatTest, MessageBeforeJoinIsNotInRoom) {
  EXPECT_EQ(error_code(call("a", "message", {{"text", "hi"}})), "not_in_room");
  EXPECT_THAT(store.recent_messages("r", 10), IsEmpty());
}

// A store that is down: chat must fail loudly, not pretend the message was kept.
class BrokenStore final : public store::Store {
 public:
  void append_message(const store::ChatMessage&) override {
    throw store::StoreError("disk I/O error");
  }
  std::vector<store::ChatMessage> recent_messages(std::string_view, std::size_t) override {
    if (history_broken) throw store::StoreError("disk I/O error");
    return {};
  }
  std::size_t delete_messages_before(std::int64_t) override { return 0; }
  std::size_t trim_messages(std::string_view, std::size_t) override { return 0; }
  std::optional<store::RoomRecord> get_room(std::string_view) override { return std::nullopt; }
  void put_room(const store::RoomRecord&) override {}
  bool history_broken = false;
};

TEST_F(MeetingChatTest, StoreFailureIsAnInternalErrorAndNothingIsBroadcast) {
  BrokenStore broken;
  std::vector<std::string> reported;
  config.on_internal_error = [&](std::string_view event, std::string_view what) {
    reported.push_back(std::string(event) + ": " + std::string(what));
  };
  Meeting meeting(outbox, broken, config, clock, random);
  meeting.handle("a", "join_room", json{{"room", "r"}});
  meeting.handle("b", "join_room", json{{"room", "r"}});
  outbox.clear();

  const auto ack = meeting.handle("a", "message", json{{"text", "lost?"}});
  EXPECT_EQ(error_code(ack), "internal_error");
  EXPECT_EQ(error_message(ack), "internal server error");  // no server details leak
  EXPECT_THAT(outbox.sent, IsEmpty());
  EXPECT_THAT(reported, ElementsAre("message: disk I/O error"));

  // A room that opens reads its history from the store: no history, no room.
  broken.history_broken = true;
  EXPECT_EQ(error_code(meeting.handle("c", "join_room", json{{"room", "new"}})), "internal_error");
  EXPECT_THAT(outbox.sent, IsEmpty());
  EXPECT_EQ(meeting.stats().participants, 2u);
  EXPECT_EQ(meeting.stats().rooms, 1u);
  EXPECT_EQ(meeting.stats().errors_by_code.at("internal_error"), 2u);
}

// Counts history reads of a real store.
class ReadCountingStore final : public store::Store {
 public:
  explicit ReadCountingStore(store::Store& inner) : inner_(inner) {}
  void append_message(const store::ChatMessage& message) override {
    inner_.append_message(message);
  }
  std::vector<store::ChatMessage> recent_messages(std::string_view room,
                                                  std::size_t limit) override {
    ++history_reads;
    return inner_.recent_messages(room, limit);
  }
  std::size_t delete_messages_before(std::int64_t before_ts) override {
    return inner_.delete_messages_before(before_ts);
  }
  std::size_t trim_messages(std::string_view room, std::size_t keep) override {
    return inner_.trim_messages(room, keep);
  }
  std::optional<store::RoomRecord> get_room(std::string_view id) override {
    return inner_.get_room(id);
  }
  void put_room(const store::RoomRecord& room) override { inner_.put_room(room); }
  int history_reads = 0;

 private:
  store::Store& inner_;
};

TEST_F(MeetingChatTest, ALiveRoomServesItsHistoryFromMemory) {
  config.chat_history_length = 2;
  ReadCountingStore counting(store);
  Meeting meeting(outbox, counting, config, clock, random);
  meeting.handle("a", "join_room", json{{"room", "r"}, {"name", "Ada"}});
  EXPECT_EQ(counting.history_reads, 1);  // the room opened
  for (const auto* text : {"1", "2", "3"}) meeting.handle("a", "message", json{{"text", text}});

  const auto texts = [](const json& ack) {
    std::vector<std::string> result;
    for (const auto& message : ack["chat"]) result.push_back(message["text"]);
    return result;
  };
  EXPECT_THAT(texts(meeting.handle("b", "join_room", json{{"room", "r"}})), ElementsAre("2", "3"));
  EXPECT_EQ(counting.history_reads, 1);  // no read for a live room

  // The room closes and opens again: its history comes back from the store.
  meeting.disconnect("a");
  meeting.disconnect("b");
  EXPECT_EQ(meeting.stats().rooms, 0u);
  EXPECT_THAT(texts(meeting.handle("c", "join_room", json{{"room", "r"}})), ElementsAre("2", "3"));
  EXPECT_EQ(counting.history_reads, 2);
}

}  // namespace
}  // namespace confab::meeting::testing
