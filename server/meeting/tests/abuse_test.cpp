// Denial of service and abuse (issue 12): each test performs the attack, bounded, and checks
// that the attacker is stopped with a clear error, that it shows in the stats, and that
// everyone else is unaffected.
#include <gmock/gmock.h>

#include "meeting/tests/meeting_fixture.hpp"
#include "store/tests/temp_dir.hpp"

namespace confab::meeting::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr const char* kAttacker = "203.0.113.7";

std::int64_t retry_after(const json& ack) {
  return ack.at("error").value("retry_after_ms", std::int64_t{0});
}

class MeetingAbuseTest : public MeetingTest {
 protected:
  // A participant connected from `address`.
  ParticipantId connected(const std::string& id, const std::string& address) {
    meeting().connect(id, address);
    return id;
  }
  json join_with(const ParticipantId& from, json payload) {
    return call(from, "join_room", std::move(payload));
  }
  json guess(const ParticipantId& from, const std::string& room, const std::string& password) {
    return join_with(from, {{"room", room}, {"password", password}});
  }
  // "host-<room>" opens `room` with a password.
  void open_with_password(const std::string& room, const std::string& password) {
    const ParticipantId host = connected("host-" + room, "192.0.2.1");
    join_quietly(host, room);
    ASSERT_EQ(error_code(call(host, "set_password", {{"password", password}})), "ok");
    outbox.clear();
  }
  static std::string pin(int i) {
    std::string text = std::to_string(i);
    return std::string(4 - text.size(), '0') + text;
  }
};

// Issue 12 item 5: 32 connections from one address checked 3,281 PINs in 1.1 s.
TEST_F(MeetingAbuseTest, PinGuessingFromManyConnectionsOfOneAddressBacksOff) {
  open_with_password("r", "1234");
  std::vector<ParticipantId> sockets;
  for (int i = 0; i < 32; ++i) sockets.push_back(connected("m" + std::to_string(i), kAttacker));

  // The same attack: 3,281 guesses spread over 32 sockets in 1.1 s.
  int checked = 0;
  int refused = 0;
  for (int i = 0; i < 3281; ++i) {
    clock.now += (i % 3 == 0) ? 1 : 0;  // ~1.1 s in all
    const auto ack = guess(sockets[static_cast<std::size_t>(i) % sockets.size()], "r", pin(i));
    const std::string code = error_code(ack);
    ASSERT_NE(code, "ok") << "found the PIN after " << i << " guesses";
    if (code == "wrong_password") ++checked;
    if (code == "too_many_attempts") {
      ++refused;
      EXPECT_GT(retry_after(ack), 0);
    }
  }
  // 5 free failures; the 6th starts a 1 s wait, the 7th (1 s later) a 2 s wait.
  EXPECT_EQ(checked, 7);
  EXPECT_EQ(refused, 3281 - 7);
  EXPECT_EQ(meeting().stats().limits_hit.at("password_address"), 3281u - 7);
  EXPECT_EQ(meeting().stats().errors_by_code.at("too_many_attempts"), 3281u - 7);

  // Someone else, from elsewhere, enters at once with the right PIN.
  EXPECT_EQ(error_code(guess(connected("alice", "198.51.100.1"), "r", "1234")), "ok");

  // The wait doubles with each further wrong guess, up to the cap...
  const auto refused_ack = guess("m0", "r", "0000");
  EXPECT_EQ(error_message(refused_ack),
            "too many wrong passwords from your address; try again later");
  clock.now += retry_after(refused_ack);
  const auto wrong = guess("m1", "r", "0001");
  EXPECT_EQ(error_code(wrong), "wrong_password");
  EXPECT_EQ(retry_after(wrong), 4000);
  clock.now += 4000;
  EXPECT_EQ(retry_after(guess("m2", "r", "0002")), 8000);
  // ...and a new connection from the same address waits as well.
  EXPECT_EQ(error_code(guess(connected("m99", kAttacker), "r", "1234")), "too_many_attempts");
  EXPECT_EQ(error_code(guess(connected("m98", "::ffff:203.0.113.7"), "r", "1234")),
            "too_many_attempts");
  // Once the wait is over, the right password enters and clears the address.
  clock.now += 8000;
  EXPECT_EQ(error_code(guess("m3", "r", "1234")), "ok");
  EXPECT_EQ(error_code(guess("m4", "r", "0003")), "wrong_password");
  EXPECT_EQ(retry_after(guess("m5", "r", "0004")), 0);  // free failures again
}

TEST_F(MeetingAbuseTest, IPv6GuessersAreCountedByTheirSlash64) {
  open_with_password("r", "1234");
  for (int i = 0; i < 6; ++i) {
    const auto id = connected("v" + std::to_string(i), "2001:db8:1:2::" + std::to_string(i + 1));
    EXPECT_EQ(error_code(guess(id, "r", pin(i))), "wrong_password") << i;
  }
  EXPECT_EQ(error_code(guess(connected("v9", "2001:db8:1:2:ffff::9"), "r", "1234")),
            "too_many_attempts");
  EXPECT_EQ(error_code(guess(connected("w", "2001:db8:1:3::1"), "r", "1234")), "ok");
}

// Many addresses guessing one room: the room backs off, other rooms do not notice.
TEST_F(MeetingAbuseTest, PinGuessingFromManyAddressesBacksOffPerRoom) {
  open_with_password("r", "1234");
  open_with_password("s", "5678");
  int checked = 0;
  for (int i = 0; i < 200; ++i) {
    const auto id = connected("bot" + std::to_string(i), "10.0." + std::to_string(i / 250) + "." +
                                                             std::to_string(i % 250 + 1));
    const auto ack = guess(id, "r", pin(i + 2000));
    if (error_code(ack) == "wrong_password") ++checked;
    if (error_code(ack) == "too_many_attempts") {
      EXPECT_EQ(error_message(ack), "too many wrong passwords for this room; try again later");
    }
  }
  EXPECT_EQ(checked, 21);  // 20 free failures, then a 1 s wait
  EXPECT_EQ(meeting().stats().limits_hit.at("password_room"), 200u - 21);

  // Other rooms are unaffected; members inside r are unaffected; a token still enters r.
  EXPECT_EQ(error_code(guess(connected("bob", "198.51.100.2"), "s", "5678")), "ok");
  EXPECT_EQ(error_code(call("host-r", "message", {{"text", "still here"}})), "ok");
  EXPECT_EQ(error_code(join_with(connected("tok", "198.51.100.3"),
                                 {{"room", "r"}, {"token", token("r", "Invited")}})),
            "ok");
  // A rightful user of r has to wait out the room's backoff (at most a minute), then enters.
  const auto waiting = guess(connected("carol", "198.51.100.4"), "r", "1234");
  EXPECT_EQ(error_code(waiting), "too_many_attempts");
  clock.now += retry_after(waiting);
  EXPECT_EQ(error_code(guess("carol", "r", "1234")), "ok");
}

// Issue 12 item 6: wrong guesses against rooms whose password has not been verified since
// start cost a slow hash each; they must not spend what other rooms' users need.
TEST_F(MeetingAbuseTest, GuessingCannotStarveOtherRoomsOfSlowHashes) {
  config.password_iterations = 1000;
  config.password_hashing = common::RateLimit{.per_second = 2, .burst = 5};
  config.suspect_password_hashing = common::RateLimit{.per_second = 0.5, .burst = 2};
  for (const auto* room : {"r", "s", "t", "u"}) {
    open_with_password(room, std::string("pw-") + room);
    clock.now += 1000;
  }
  restart();  // a fresh process: no password verified yet, every check is a slow hash

  // One address, 32 connections, guessing as fast as it can (the clock stands still).
  int slow_checks = 0;
  int budget_refusals = 0;
  for (int i = 0; i < 320; ++i) {
    const auto id = connected("m" + std::to_string(i % 32), kAttacker);
    const auto ack = guess(id, "r", pin(i));
    if (error_code(ack) == "wrong_password") ++slow_checks;
    if (error_code(ack) == "rate_limited") {
      ++budget_refusals;
      EXPECT_GT(retry_after(ack), 0);
    }
  }
  // One slow hash from the clean budget, two from the suspects' budget, then refused.
  EXPECT_EQ(slow_checks, 3);
  EXPECT_EQ(budget_refusals, 320 - 3);
  EXPECT_EQ(meeting().stats().limits_hit.at("password_hashing"), 320u - 3);

  // Rightful users of three other rooms, each needing a slow hash right now, get in.
  EXPECT_EQ(error_code(guess(connected("bob", "198.51.100.2"), "s", "pw-s")), "ok");
  EXPECT_EQ(error_code(guess(connected("carol", "198.51.100.3"), "t", "pw-t")), "ok");
  EXPECT_EQ(error_code(guess(connected("dave", "198.51.100.4"), "u", "pw-u")), "ok");
  // Once verified, a room's password is checked by a fast keyed hash: guessing it costs no
  // budget at all (the suspects' budget is still empty).
  EXPECT_EQ(error_code(guess("m0", "s", "nope")), "wrong_password");
}

class MeetingKnockAbuseTest : public MeetingAbuseTest {
 protected:
  void SetUp() override {
    join_quietly(connected("host", "192.0.2.1"), "r");
    ASSERT_EQ(error_code(call("host", "set_waiting_room", {{"enabled", true}})), "ok");
    outbox.clear();
  }
  json knock(const ParticipantId& id, const std::string& room = "r") {
    return call(id, "join_room", {{"room", room}, {"name", "Knocker"}});
  }
};

// Issue 12 item 9: 50 fake knocks filled the waiting room.
TEST_F(MeetingKnockAbuseTest, KnocksFromOneAddressAreBounded) {
  int waiting = 0;
  for (int i = 0; i < 50; ++i) {
    const auto ack = knock(connected("k" + std::to_string(i), kAttacker));
    if (ack.value("waiting", false)) {
      ++waiting;
    } else {
      EXPECT_EQ(error_code(ack), "too_many_attempts");
      EXPECT_EQ(error_message(ack),
                "too many people from your address are waiting to enter this room");
    }
  }
  EXPECT_EQ(waiting, 5);
  EXPECT_EQ(meeting().stats().waiting, 5u);
  EXPECT_EQ(outbox.recipients_of("knock").size(), 5u);  // the host heard 5 knocks, not 50
  EXPECT_EQ(meeting().stats().limits_hit.at("knocks_per_address"), 45u);
  // Someone from elsewhere still gets to knock, and in.
  EXPECT_EQ(knock(connected("guest", "198.51.100.1"))["waiting"], true);
  EXPECT_EQ(error_code(call("host", "admit", {{"user_id", "guest"}})), "ok");
}

TEST_F(MeetingKnockAbuseTest, KnockingAndLeavingInALoopIsRateLimited) {
  const ParticipantId id = connected("k", kAttacker);
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(knock(id)["waiting"], true) << i;
    ASSERT_EQ(error_code(call(id, "leave_room", nullptr)), "ok");
  }
  const auto limited = knock(id);
  EXPECT_EQ(error_code(limited), "too_many_attempts");
  EXPECT_EQ(retry_after(limited), 6000);  // one knock per 6 s after the burst of 10
  EXPECT_EQ(meeting().stats().limits_hit.at("knock_rate"), 1u);
  EXPECT_EQ(outbox.recipients_of("knock").size(), 10u);
  EXPECT_EQ(knock(connected("guest", "198.51.100.1"))["waiting"], true);
  clock.now += 6000;
  EXPECT_EQ(knock(id)["waiting"], true);
}

TEST_F(MeetingKnockAbuseTest, ADenySticksToTheAddressNotTheSocket) {
  knock(connected("w", kAttacker));
  ASSERT_EQ(error_code(call("host", "deny", {{"user_id", "w"}})), "ok");
  meeting().disconnect("w");
  // A new connection from the same address is still denied...
  const auto again = knock(connected("w2", kAttacker));
  EXPECT_EQ(error_code(again), "denied");
  EXPECT_EQ(meeting().stats().waiting, 0u);
  // ...someone from elsewhere is not.
  EXPECT_EQ(knock(connected("guest", "198.51.100.1"))["waiting"], true);
}

TEST_F(MeetingKnockAbuseTest, ADenySticksToTheTokenToo) {
  const std::string invitation = token("r", "Mallory");
  call(connected("w", kAttacker), "join_room", {{"room", "r"}, {"token", invitation}});
  ASSERT_EQ(error_code(call("host", "deny", {{"user_id", "w"}})), "ok");
  const auto moved =
      call(connected("w2", "198.51.100.66"), "join_room", {{"room", "r"}, {"token", invitation}});
  EXPECT_EQ(error_code(moved), "denied");
  EXPECT_EQ(knock(connected("guest", "198.51.100.1"))["waiting"], true);
}

// Issue 12 item 10: waiters turned away because the room was full stayed denied forever.
TEST_F(MeetingKnockAbuseTest, WaitersTurnedAwayForLackOfSpaceMayComeBack) {
  config.room_capacity = 2;
  restart();
  join_quietly(connected("host", "192.0.2.1"), "s");
  call("host", "set_waiting_room", {{"enabled", true}});
  knock(connected("w1", "198.51.100.1"), "s");
  knock(connected("w2", "198.51.100.2"), "s");
  outbox.clear();
  ASSERT_EQ(error_code(call("host", "set_waiting_room", {{"enabled", false}})), "ok");
  EXPECT_THAT(events_to("w1"), ElementsAre("admitted"));
  EXPECT_THAT(events_to("w2"), ElementsAre("denied"));
  EXPECT_EQ(outbox.to("w2")[0].data, json({{"reason", "room_full"}}));

  call("w1", "leave_room", nullptr);
  EXPECT_EQ(error_code(knock("w2", "s")), "ok");  // space again: straight in
}

// Issue 12 item 12, through the meeting: nothing of it reaches anyone.
TEST_F(MeetingAbuseTest, BidiOverridesAndControlsInNamesAndChatAreRefused) {
  join_quietly("a", "r");
  const auto name = call("b", "join_room", {{"room", "r"}, {"name", "admin\u202Egnp.exe"}});
  EXPECT_EQ(error_code(name), "invalid_name");
  EXPECT_EQ(error_code(call("b", "join_room", {{"room", "r"}, {"name", "\u200B\u200B"}})),
            "invalid_name");
  const auto chat = call("a", "message", {{"text", "\x1b]0;pwned\x07"}});
  EXPECT_EQ(error_code(chat), "invalid_message");
  EXPECT_EQ(error_message(chat), "message contains control characters");
  EXPECT_EQ(error_code(call("a", "message", {{"text", "\u2067x\u2069"}})), "invalid_message");
  EXPECT_THAT(outbox.sent, IsEmpty());
  EXPECT_EQ(meeting().stats().errors_by_code.at("invalid_message"), 2u);
}

// Issue 12 item 11: chat retention, on the real SQLite store (a file) with a fixed clock.
class MeetingChatRetentionTest : public MeetingTest {
 protected:
  MeetingChatRetentionTest() {
    store = store::SqliteStore(dir.path());
    config.chat_rate = common::RateLimit{.per_second = 0, .burst = 1};  // no rate limit here
  }
  std::vector<std::string> stored_texts(const std::string& room) {
    std::vector<std::string> texts;
    for (const auto& message : store.recent_messages(room, 100'000)) texts.push_back(message.text);
    return texts;
  }
  confab::testing::TempDir dir;
};

TEST_F(MeetingChatRetentionTest, MessagesOlderThanTheRetentionPeriodAreDeleted) {
  constexpr std::int64_t kDay = 24LL * 3600 * 1000;
  config.chat_retention_ms = 30 * kDay;
  join_quietly("a", "r");
  join_quietly("x", "other");
  call("a", "message", {{"text", "old"}});
  call("x", "message", {{"text", "old elsewhere"}});
  clock.now += 29 * kDay;
  call("a", "message", {{"text", "recent"}});
  EXPECT_EQ(meeting().prune_chat(), 0u);  // nothing is 30 days old yet

  clock.now += 2 * kDay;
  EXPECT_EQ(meeting().prune_chat(), 2u);
  EXPECT_THAT(stored_texts("r"), ElementsAre("recent"));
  EXPECT_THAT(stored_texts("other"), IsEmpty());
  EXPECT_EQ(meeting().stats().chat_messages_pruned, 2u);
  // A live room forgets them too: a joiner does not see them.
  const auto ack = join("b", "r");
  ASSERT_EQ(ack["chat"].size(), 1u);
  EXPECT_EQ(ack["chat"][0]["text"], "recent");

  // They stay deleted after a restart, which prunes again (the app calls prune_chat at start).
  restart();
  EXPECT_EQ(meeting().prune_chat(), 0u);
  EXPECT_THAT(stored_texts("r"), ElementsAre("recent"));
}

TEST_F(MeetingChatRetentionTest, ZeroRetentionKeepsChatForever) {
  config.chat_retention_ms = 0;
  join_quietly("a", "r");
  call("a", "message", {{"text", "kept"}});
  clock.now += 10LL * 365 * 24 * 3600 * 1000;
  EXPECT_EQ(meeting().prune_chat(), 0u);
  EXPECT_THAT(stored_texts("r"), ElementsAre("kept"));
}

TEST_F(MeetingChatRetentionTest, ARoomKeepsAtMostItsCap) {
  config.chat_max_per_room = 5;
  config.chat_history_length = 50;
  join_quietly("a", "r");
  join_quietly("x", "other");
  call("x", "message", {{"text", "elsewhere"}});
  for (int i = 1; i <= 12; ++i) call("a", "message", {{"text", std::to_string(i)}});
  EXPECT_THAT(stored_texts("r"), ElementsAre("8", "9", "10", "11", "12"));
  EXPECT_THAT(stored_texts("other"), ElementsAre("elsewhere"));
  EXPECT_EQ(meeting().stats().chat_messages_pruned, 7u);
  EXPECT_EQ(join("b", "r")["chat"].size(), 5u);
}

TEST_F(MeetingChatRetentionTest, ALargeCapIsEnforcedEveryOnePercent) {
  config.chat_max_per_room = 200;  // trimmed every 2 messages
  // Hundreds of message ids: the fixture's counting source would repeat some.
  common::SystemRandomSource system_random;
  Meeting meeting(outbox, store, config, clock, system_random);
  meeting.handle("a", "join_room", json{{"room", "r"}});
  for (int i = 0; i < 250; ++i) {
    ASSERT_EQ(error_code(meeting.handle("a", "message", json{{"text", std::to_string(i)}})), "ok")
        << i;
  }
  EXPECT_EQ(stored_texts("r").size(), 200u);
  EXPECT_EQ(stored_texts("r").front(), "50");
  meeting.handle("a", "message", json{{"text", "one more"}});
  EXPECT_EQ(stored_texts("r").size(), 201u);  // until the next trim
  EXPECT_EQ(stored_texts("r").back(), "one more");
}

}  // namespace
}  // namespace confab::meeting::testing
