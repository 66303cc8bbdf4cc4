// join_room under access control: room passwords and signed join tokens.
#include <gmock/gmock.h>
#include <sqlite3.h>

#include "meeting/tests/meeting_fixture.hpp"
#include "store/tests/temp_dir.hpp"

namespace confab::meeting::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

class MeetingAccessTest : public MeetingTest {
 protected:
  json join_with(const ParticipantId& from, json payload) {
    return call(from, "join_room", std::move(payload));
  }
  // "host" opens `room` and sets its password.
  void open_with_password(const std::string& room, const std::string& password) {
    join_quietly("host", room);
    ASSERT_EQ(error_code(call("host", "set_password", {{"password", password}})), "ok");
    outbox.clear();
  }
};

TEST_F(MeetingAccessTest, PasswordIsRequiredAndChecked) {
  open_with_password("r", "hunter2");
  const auto missing = join("a", "r");
  EXPECT_EQ(error_code(missing), "password_required");
  EXPECT_EQ(error_message(missing), "this room needs a password");
  const auto wrong = join_with("a", {{"room", "r"}, {"password", "hunter3"}});
  EXPECT_EQ(error_code(wrong), "wrong_password");
  EXPECT_EQ(error_message(wrong), "wrong password");
  EXPECT_EQ(error_code(join_with("a", {{"room", "r"}, {"password", " hunter2"}})),
            "wrong_password");  // passwords are not trimmed
  EXPECT_THAT(outbox.sent, IsEmpty());
  EXPECT_EQ(meeting().stats().participants, 1u);

  const auto right = join_with("a", {{"room", "r"}, {"name", "Al"}, {"password", "hunter2"}});
  EXPECT_EQ(error_code(right), "ok") << right.dump();
  EXPECT_EQ(right["role"], "guest");
  EXPECT_EQ(right["room_state"],
            json({{"locked", false}, {"waiting_room", false}, {"has_password", true}}));
  EXPECT_EQ(meeting().stats().errors_by_code.at("wrong_password"), 2u);
  EXPECT_EQ(meeting().stats().errors_by_code.at("password_required"), 1u);
}

TEST_F(MeetingAccessTest, PasswordOutlivesTheRoomAndARestart) {
  open_with_password("r", "hunter2");
  call("host", "leave_room", json::object());
  EXPECT_EQ(meeting().stats().rooms, 0u);
  // An empty room still needs its password: the first joiner cannot take it over without it.
  EXPECT_EQ(error_code(join("a", "r")), "password_required");

  restart();  // same store, new process state
  EXPECT_EQ(error_code(join_with("a", {{"room", "r"}, {"password", "nope"}})), "wrong_password");
  const auto ack = join_with("a", {{"room", "r"}, {"password", "hunter2"}});
  EXPECT_EQ(error_code(ack), "ok");
  EXPECT_EQ(ack["role"], "host");
  EXPECT_EQ(ack["room_state"]["has_password"], true);
}

TEST_F(MeetingAccessTest, PasswordIsStoredOnlyAsASaltedSlowHash) {
  confab::testing::TempDir dir;
  store = store::SqliteStore(dir.path());
  restart();
  open_with_password("vault", "plain-text-password");

  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open_v2((dir.path() / store::SqliteStore::kFileName).c_str(), &raw,
                            SQLITE_OPEN_READONLY, nullptr),
            SQLITE_OK);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, &sqlite3_close);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(
      sqlite3_prepare_v2(db.get(), "SELECT password_hash, settings FROM rooms WHERE id='vault'", -1,
                         &stmt, nullptr),
      SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  const std::string hash = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  const std::string settings = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1));
  sqlite3_finalize(stmt);
  EXPECT_THAT(hash, StartsWith("pbkdf2-sha256$"));
  EXPECT_THAT(hash, Not(HasSubstr("plain-text-password")));
  EXPECT_THAT(settings, Not(HasSubstr("plain-text-password")));
  // Nothing else in the database holds it either (e.g. a chat line or a log table).
  std::string everything;
  sqlite3_exec(
      db.get(), "SELECT id || settings || ifnull(password_hash,'') FROM rooms",
      [](void* out, int, char** values, char**) {
        *static_cast<std::string*>(out) += values[0] ? values[0] : "";
        return 0;
      },
      &everything, nullptr);
  EXPECT_THAT(everything, Not(HasSubstr("plain-text-password")));
}

TEST_F(MeetingAccessTest, NullPasswordRemovesIt) {
  open_with_password("r", "hunter2");
  EXPECT_EQ(error_code(call("host", "set_password", {{"password", nullptr}})), "ok");
  EXPECT_EQ(outbox.sent.back().data,
            json({{"locked", false}, {"waiting_room", false}, {"has_password", false}}));
  EXPECT_EQ(store.get_room("r")->password_hash, std::nullopt);
  EXPECT_EQ(error_code(join("a", "r")), "ok");
}

TEST_F(MeetingAccessTest, OverlongPasswordIsABadRequest) {
  EXPECT_EQ(error_code(join_with("a", {{"room", "r"}, {"password", std::string(1025, 'p')}})),
            "bad_request");
}

TEST_F(MeetingAccessTest, TokenSetsNameAndRoleAndReplacesThePassword) {
  open_with_password("r", "hunter2");
  const auto ack = join_with(
      "b", {{"room", "r"}, {"name", "Impostor"}, {"token", token("r", "Bo", Role::host)}});
  ASSERT_EQ(error_code(ack), "ok") << ack.dump();
  EXPECT_EQ(ack["name"], "Bo");
  EXPECT_EQ(ack["role"], "host");
  EXPECT_EQ(ack["waiting"], json::array());  // hosts see the waiting list
  const auto guest = join_with("c", {{"room", "r"}, {"token", token("r", "Cy")}});
  EXPECT_EQ(guest["role"], "guest");
  EXPECT_FALSE(guest.contains("waiting"));
}

TEST_F(MeetingAccessTest, TokenForAnotherRoomIsRefused) {
  const auto ack = join_with("a", {{"room", "r"}, {"token", token("elsewhere", "Al", Role::host)}});
  EXPECT_EQ(error_code(ack), "invalid_token");
  EXPECT_THAT(error_message(ack), HasSubstr("another room"));
}

TEST_F(MeetingAccessTest, ExpiredForgedAndAlgNoneTokensAreRefused) {
  const std::string expired = token("r", "Al", Role::host, -1);
  const auto expired_ack = join_with("a", {{"room", "r"}, {"token", expired}});
  EXPECT_EQ(error_code(expired_ack), "token_expired");
  EXPECT_EQ(error_message(expired_ack), "token has expired");

  // A token that was valid an hour ago.
  const std::string later = token("r", "Al", Role::host, 60);
  clock.now += 61'000;
  EXPECT_EQ(error_code(join_with("a", {{"room", "r"}, {"token", later}})), "token_expired");

  const std::string forged =
      JoinTokenCodec("not-the-server-secret")
          .mint({.room = "r", .name = "Al", .role = Role::host, .exp = clock.now / 1000 + 60},
                clock.now / 1000);
  EXPECT_EQ(error_message(join_with("a", {{"room", "r"}, {"token", forged}})),
            "invalid token: bad signature");

  const std::string genuine = token("r", "Al", Role::host);
  const std::string unsigned_token =
      "eyJhbGciOiJub25lIn0" +
      genuine.substr(genuine.find('.'), genuine.rfind('.') - genuine.find('.')) + ".";
  EXPECT_EQ(error_message(join_with("a", {{"room", "r"}, {"token", unsigned_token}})),
            "invalid token: alg must be HS256");
  EXPECT_THAT(outbox.sent, IsEmpty());
  EXPECT_EQ(meeting().stats().participants, 0u);
  EXPECT_EQ(meeting().stats().errors_by_code.at("invalid_token"), 2u);
  EXPECT_EQ(meeting().stats().errors_by_code.at("token_expired"), 2u);
}

TEST_F(MeetingAccessTest, TokensAreRefusedWhenTheServerHasNoSecret) {
  config.jwt_secret.clear();
  const auto ack = join_with("a", {{"room", "r"}, {"token", token("r", "Al")}});
  EXPECT_EQ(error_code(ack), "invalid_token");
  EXPECT_THAT(error_message(ack), HasSubstr("not enabled"));
}

}  // namespace
}  // namespace confab::meeting::testing
