#pragma once
// Shared doubles for the meeting tests: a recording Outbox, a fixed clock, a counting
// random source, and a fixture that wires a Meeting to an in-memory SQLite store.
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "meeting/join_token.hpp"
#include "meeting/meeting.hpp"
#include "store/sqlite_store.hpp"

namespace confab::meeting::testing {

using nlohmann::json;

struct SentMessage {
  ParticipantId to;
  std::string event;
  json data;
  std::string text;  // the JSON text as sent, when it went out through send_text
};

class RecordingOutbox final : public Outbox {
 public:
  void send(const ParticipantId& to, std::string_view event, const json& data) override {
    sent.push_back({to, std::string(event), data, {}});
  }
  void send_text(const ParticipantId& to, std::string_view event, std::string_view data) override {
    sent.push_back({to, std::string(event), json::parse(data), std::string(data)});
  }
  void disconnect(const ParticipantId& participant) override {
    disconnected.push_back(participant);
  }
  std::vector<SentMessage> to(const ParticipantId& id) const {
    std::vector<SentMessage> result;
    for (const auto& message : sent) {
      if (message.to == id) result.push_back(message);
    }
    return result;
  }
  std::vector<ParticipantId> recipients_of(std::string_view event) const {
    std::vector<ParticipantId> result;
    for (const auto& message : sent) {
      if (message.event == event) result.push_back(message.to);
    }
    return result;
  }
  std::vector<std::string> events_to(const ParticipantId& id) const {
    std::vector<std::string> result;
    for (const auto& message : sent) {
      if (message.to == id) result.push_back(message.event);
    }
    return result;
  }
  void clear() {
    sent.clear();
    disconnected.clear();
  }

  std::vector<SentMessage> sent;
  std::vector<ParticipantId> disconnected;
};

class FixedClock final : public common::Clock {
 public:
  std::int64_t now_ms() override { return now; }
  std::int64_t now = 1'700'000'000'000;
};

// A fixed sequence (a Weyl sequence: the counter times an odd constant), so guest names and
// message ids are reproducible and distinct. Plain 0, 1, 2, ... would repeat message ids after
// 9 messages, as only the counter modulo 36 would pick each character.
class CountingRandomSource final : public common::RandomSource {
 public:
  std::uint64_t next_u64() override { return (next++) * 0x9E3779B97F4A7C15ull; }
  std::uint64_t next = 1;
};

inline std::string error_code(const json& ack) {
  if (ack.value("ok", true)) return "ok";
  return ack.at("error").at("code").get<std::string>();
}

inline std::string error_message(const json& ack) {
  return ack.contains("error") ? ack["error"].value("message", "") : "";
}

class MeetingTest : public ::testing::Test {
 protected:
  static constexpr const char* kJwtSecret = "meeting-test-secret-0123456789";

  MeetingTest() {
    config.ice_servers = json::array({{{"urls", "stun:stun.example.org:3478"}}});
    config.jwt_secret = kJwtSecret;
    config.password_iterations = 1000;  // the default (100k) is tested once, in crypto_test
  }

  Meeting& meeting() {
    if (!meeting_) restart();
    return *meeting_;
  }
  // A fresh Meeting (e.g. after changing `config`); the store is kept.
  void restart() { meeting_ = std::make_unique<Meeting>(outbox, store, config, clock, random); }

  json call(const ParticipantId& from, std::string_view event, const json& payload) {
    return meeting().handle(from, event, payload);
  }
  // Joins with the participant id as display name.
  json join(const ParticipantId& from, const std::string& room) {
    return call(from, "join_room", {{"room", room}, {"name", from}});
  }
  // Joins and forgets what the join sent, so a test sees only what follows.
  void join_quietly(const ParticipantId& from, const std::string& room) {
    const auto ack = join(from, room);
    ASSERT_EQ(error_code(ack), "ok") << ack.dump();
    outbox.clear();
  }

  // A join token signed with the fixture's secret; expires an hour from the fixture's clock.
  std::string token(const std::string& room, const std::string& name, Role role = Role::guest,
                    std::int64_t ttl_s = 3600) {
    const std::int64_t now_s = clock.now / 1000;
    return JoinTokenCodec(kJwtSecret)
        .mint({.room = room, .name = name, .role = role, .exp = now_s + ttl_s}, now_s);
  }

  // The events `id` received, in order.
  std::vector<std::string> events_to(const ParticipantId& id) const { return outbox.events_to(id); }

  RecordingOutbox outbox;
  store::SqliteStore store = store::SqliteStore::open_in_memory();
  FixedClock clock;
  CountingRandomSource random;
  MeetingConfig config;

 private:
  std::unique_ptr<Meeting> meeting_;
};

}  // namespace confab::meeting::testing
