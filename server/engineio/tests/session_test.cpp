// The Engine.IO session and upgrade state machine, driven through the Server API
// with fake transports (no sockets).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "engineio/server.hpp"

namespace confab::engineio {
namespace {

using namespace std::chrono_literals;

struct FakeWs : WsChannel {
  std::vector<std::pair<std::string, bool>> frames;
  bool closed = false;
  void send(std::string frame, bool binary) override {
    frames.emplace_back(std::move(frame), binary);
  }
  void close() override { closed = true; }
};

struct Echo : SessionListener {
  Session& session;
  std::string* close_reason;
  Echo(Session& s, std::string* reason) : session(s), close_reason(reason) {}
  void on_message(std::string_view data, bool binary) override {
    session.send(std::string(data), binary);
  }
  void on_close(std::string_view reason) override { *close_reason = reason; }
};

struct Reply {
  std::optional<http::Response> response;
  PollResponder responder() {
    return [this](http::Response r) { response = std::move(r); };
  }
};

class EngineTest : public ::testing::Test {
 protected:
  EngineTest() : server(io, ServerConfig{60ms, 40ms, 1000, true}) {
    server.on_connection(
        [this](Session& s) { s.set_listener(std::make_unique<Echo>(s, &close_reason)); });
  }

  static http::Request request(std::string method, std::string query, std::string body = {}) {
    http::Request r;
    r.method = std::move(method);
    r.query = http::parse_query(query);
    r.body = std::move(body);
    return r;
  }

  http::Response call(std::string method, std::string query, std::string body = {}) {
    Reply reply;
    server.handle_http(request(std::move(method), std::move(query), std::move(body)),
                       reply.responder());
    io.poll();
    EXPECT_TRUE(reply.response) << "request was held";
    return reply.response.value_or(http::Response{});
  }

  std::string open_polling() {
    auto r = call("GET", "EIO=4&transport=polling");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body[0], '0');
    return nlohmann::json::parse(r.body.substr(1))["sid"];
  }

  std::string q(const std::string& sid) { return "EIO=4&transport=polling&sid=" + sid; }

  template <class Pred>
  bool run_until(Pred pred, std::chrono::milliseconds limit = 2s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!pred() && std::chrono::steady_clock::now() < deadline) io.run_one_for(5ms);
    return pred();
  }

  boost::asio::io_context io;
  Server server;
  std::string close_reason;
};

TEST_F(EngineTest, PollingHandshakeAdvertisesConfig) {
  auto r = call("GET", "EIO=4&transport=polling");
  ASSERT_EQ(r.status, 200);
  auto open = nlohmann::json::parse(r.body.substr(1));
  EXPECT_EQ(open["upgrades"], nlohmann::json::array({"websocket"}));
  EXPECT_EQ(open["pingInterval"], 60);
  EXPECT_EQ(open["pingTimeout"], 40);
  EXPECT_EQ(open["maxPayload"], 1000);
  EXPECT_EQ(open["sid"].get<std::string>().size(), 20u);
  EXPECT_EQ(server.session_count(), 1u);
}

TEST_F(EngineTest, BadQueryParametersAndMethodsAre400) {
  EXPECT_EQ(call("GET", "transport=polling").status, 400);
  EXPECT_EQ(call("GET", "EIO=abc&transport=polling").status, 400);
  EXPECT_EQ(call("GET", "EIO=3&transport=polling").body,
            R"({"code":5,"message":"Unsupported protocol version"})");
  EXPECT_EQ(call("GET", "EIO=4").body, R"({"code":0,"message":"Transport unknown"})");
  EXPECT_EQ(call("GET", "EIO=4&transport=abc").status, 400);
  EXPECT_EQ(call("POST", "EIO=4&transport=polling").body,
            R"({"code":2,"message":"Bad handshake method"})");
  EXPECT_EQ(call("PUT", "EIO=4&transport=polling").status, 400);
  EXPECT_EQ(call("GET", "EIO=4&transport=polling&sid=nope").body,
            R"({"code":1,"message":"Session ID unknown"})");
  EXPECT_EQ(server.session_count(), 0u);
}

TEST_F(EngineTest, PostedPacketsComeBackInOnePoll) {
  auto sid = open_polling();
  EXPECT_EQ(call("POST", q(sid),
                 "4test1\x1e"
                 "4test2\x1e"
                 "bAQIDBA==")
                .body,
            "ok");
  EXPECT_EQ(call("GET", q(sid)).body,
            "4test1\x1e"
            "4test2\x1e"
            "bAQIDBA==");
}

TEST_F(EngineTest, HeldPollIsAnsweredWhenDataArrives) {
  auto sid = open_polling();
  Reply held;
  server.handle_http(request("GET", q(sid)), held.responder());
  io.poll();
  EXPECT_FALSE(held.response);
  call("POST", q(sid), "4hello");
  ASSERT_TRUE(held.response);
  EXPECT_EQ(held.response->body, "4hello");
}

TEST_F(EngineTest, InvalidPayloadClosesSession) {
  auto sid = open_polling();
  EXPECT_EQ(call("POST", q(sid), "abc").status, 400);
  EXPECT_EQ(call("GET", q(sid)).status, 400);
  EXPECT_EQ(close_reason, "parse error");
}

TEST_F(EngineTest, OversizedPostIs413AndCloses) {
  auto sid = open_polling();
  EXPECT_EQ(call("POST", q(sid), "4" + std::string(1000, 'x')).status, 413);
  EXPECT_EQ(server.session_count(), 0u);
}

TEST_F(EngineTest, DuplicatePollClosesSession) {
  auto sid = open_polling();
  Reply first;
  server.handle_http(request("GET", q(sid)), first.responder());
  EXPECT_EQ(call("GET", q(sid)).status, 400);
  ASSERT_TRUE(first.response);
  EXPECT_EQ(first.response->body, "1");
  EXPECT_EQ(call("GET", q(sid)).status, 400);
}

TEST_F(EngineTest, AbortedPollClosesSession) {
  auto sid = open_polling();
  Reply held;
  auto abort = server.handle_http(request("GET", q(sid)), held.responder());
  ASSERT_TRUE(abort);
  abort();
  EXPECT_EQ(server.session_count(), 0u);
  EXPECT_EQ(close_reason, "transport close");
}

TEST_F(EngineTest, ClientCloseAnswersHeldPollWithNoop) {
  auto sid = open_polling();
  Reply held;
  server.handle_http(request("GET", q(sid)), held.responder());
  EXPECT_EQ(call("POST", q(sid), "1").body, "ok");
  ASSERT_TRUE(held.response);
  EXPECT_EQ(held.response->body, "6");
  EXPECT_EQ(call("GET", q(sid)).status, 400);
}

// The close POST handled before the GET sent with it: that GET still gets a noop, later ones 400.
TEST_F(EngineTest, ClientCloseBeforePollAnswersNextPollWithNoop) {
  auto sid = open_polling();
  server.find(sid)->send("unsent");
  EXPECT_EQ(call("POST", q(sid), "1").body, "ok");
  EXPECT_EQ(close_reason, "transport close");  // the layer above is told at once
  auto poll = call("GET", q(sid));
  EXPECT_EQ(poll.status, 200);
  EXPECT_EQ(poll.body, "6");
  EXPECT_EQ(call("GET", q(sid)).status, 400);
  EXPECT_EQ(server.session_count(), 0u);
}

TEST_F(EngineTest, ClientCloseWithoutPollGoesAfterPingTimeout) {
  auto sid = open_polling();
  EXPECT_EQ(call("POST", q(sid), "1").body, "ok");
  EXPECT_EQ(call("POST", q(sid), "4late").body, "ok");  // ignored: the session is closing
  ASSERT_TRUE(run_until([&] { return server.session_count() == 0; }));
  EXPECT_EQ(call("GET", q(sid)).status, 400);
}

TEST_F(EngineTest, ServerCloseDeliversQueuedPacketsThenClose) {
  auto sid = open_polling();
  auto session = server.find(sid);
  session->send("bye");
  session->close();
  EXPECT_EQ(call("GET", q(sid)).body,
            "4bye\x1e"
            "1");
  EXPECT_EQ(server.session_count(), 0u);
}

TEST_F(EngineTest, PollingHeartbeatPingsAndTimesOut) {
  auto sid = open_polling();
  Reply held;
  server.handle_http(request("GET", q(sid)), held.responder());
  ASSERT_TRUE(run_until([&] { return held.response.has_value(); }));
  EXPECT_EQ(held.response->body, "2");
  EXPECT_EQ(call("POST", q(sid), "3").body, "ok");  // pong keeps it alive
  EXPECT_EQ(server.session_count(), 1u);
  ASSERT_TRUE(run_until([&] { return server.session_count() == 0; }));
  EXPECT_EQ(close_reason, "ping timeout");
}

TEST_F(EngineTest, WebSocketSessionHandshakeEchoAndBinary) {
  auto ws = std::make_shared<FakeWs>();
  auto req = request("GET", "EIO=4&transport=websocket");
  ASSERT_FALSE(server.check_websocket(req));
  auto handler = server.open_websocket(req, ws);
  ASSERT_TRUE(handler);
  ASSERT_EQ(ws->frames.size(), 1u);
  auto open = nlohmann::json::parse(ws->frames[0].first.substr(1));
  EXPECT_EQ(open["upgrades"], nlohmann::json::array());
  handler->on_frame("4hello", false);
  handler->on_frame(std::string("\x01\x02", 2), true);
  ASSERT_EQ(ws->frames.size(), 3u);
  EXPECT_EQ(ws->frames[1], std::make_pair(std::string("4hello"), false));
  EXPECT_EQ(ws->frames[2], std::make_pair(std::string("\x01\x02", 2), true));
  handler->on_frame("abc", false);
  EXPECT_TRUE(ws->closed);
  EXPECT_EQ(server.session_count(), 0u);
}

TEST_F(EngineTest, WebSocketPingTimeoutCloses) {
  auto ws = std::make_shared<FakeWs>();
  auto handler = server.open_websocket(request("GET", "EIO=4&transport=websocket"), ws);
  ASSERT_TRUE(run_until([&] { return ws->frames.size() == 2; }));
  EXPECT_EQ(ws->frames[1].first, "2");
  handler->on_frame("3", false);
  ASSERT_TRUE(run_until([&] { return ws->frames.size() == 3; }));
  EXPECT_EQ(ws->frames[2].first, "2");
  ASSERT_TRUE(run_until([&] { return ws->closed; }));
  EXPECT_EQ(close_reason, "ping timeout");
}

TEST_F(EngineTest, UpgradeFromPollingToWebSocket) {
  auto sid = open_polling();
  Reply held;
  server.handle_http(request("GET", q(sid)), held.responder());
  auto ws = std::make_shared<FakeWs>();
  auto req = request("GET", "EIO=4&transport=websocket&sid=" + sid);
  ASSERT_FALSE(server.check_websocket(req));
  auto handler = server.open_websocket(req, ws);
  ASSERT_TRUE(handler);
  handler->on_frame("2probe", false);
  ASSERT_EQ(ws->frames.size(), 1u);
  EXPECT_EQ(ws->frames[0].first, "3probe");
  ASSERT_TRUE(held.response);
  EXPECT_EQ(held.response->body, "6");       // the held poll ends so the client can pause
  EXPECT_EQ(call("GET", q(sid)).body, "6");  // and polls during the upgrade get noop
  server.find(sid)->send("queued");
  handler->on_frame("5", false);
  ASSERT_EQ(ws->frames.size(), 2u);
  EXPECT_EQ(ws->frames[1].first, "4queued");
  handler->on_frame("4hello", false);
  EXPECT_EQ(ws->frames.back().first, "4hello");
  // Polling is refused after the upgrade. A second WebSocket is accepted (as the reference
  // server does) and closed at once; the session and its WebSocket live on.
  EXPECT_EQ(call("GET", q(sid)).status, 400);
  ASSERT_FALSE(server.check_websocket(req));
  auto second = std::make_shared<FakeWs>();
  EXPECT_FALSE(server.open_websocket(req, second));
  EXPECT_TRUE(second->closed);
  EXPECT_TRUE(second->frames.empty());
  EXPECT_EQ(server.session_count(), 1u);
  EXPECT_FALSE(ws->closed);
  handler->on_frame("4again", false);
  EXPECT_EQ(ws->frames.back().first, "4again");
  handler->on_close();
  EXPECT_EQ(server.session_count(), 0u);
}

TEST_F(EngineTest, SecondProbeDuringUpgradeIsClosedAndFirstGoesOn) {
  auto sid = open_polling();
  auto req = request("GET", "EIO=4&transport=websocket&sid=" + sid);
  auto ws = std::make_shared<FakeWs>();
  auto handler = server.open_websocket(req, ws);
  handler->on_frame("2probe", false);
  ASSERT_FALSE(server.check_websocket(req));
  auto second = std::make_shared<FakeWs>();
  EXPECT_FALSE(server.open_websocket(req, second));
  EXPECT_TRUE(second->closed);
  handler->on_frame("5", false);
  handler->on_frame("4hello", false);
  EXPECT_EQ(ws->frames.back().first, "4hello");
  EXPECT_FALSE(ws->closed);
}

TEST_F(EngineTest, ClosedProbeLeavesPollingSessionUsable) {
  auto sid = open_polling();
  auto ws = std::make_shared<FakeWs>();
  auto handler = server.open_websocket(request("GET", "EIO=4&transport=websocket&sid=" + sid), ws);
  handler->on_frame("2probe", false);
  handler->on_close();
  EXPECT_EQ(call("POST", q(sid), "4still").body, "ok");
  EXPECT_EQ(call("GET", q(sid)).body, "4still");
}

TEST_F(EngineTest, AdmissionCheckRefusesNewSessions) {
  server.set_admission_check([](const http::Request& r) -> std::optional<std::string> {
    if (r.origin == "http://evil.example") return "Origin not allowed";
    return std::nullopt;
  });
  auto req = request("GET", "EIO=4&transport=polling");
  req.origin = "http://evil.example";
  Reply reply;
  server.handle_http(req, reply.responder());
  ASSERT_TRUE(reply.response);
  EXPECT_EQ(reply.response->status, 403);
  EXPECT_EQ(server.session_count(), 0u);
}

// Issue 12: a client that POSTs pongs but never answers a ping (or never GETs) must not live
// for ever; only the pong that answers our ping counts.
TEST_F(EngineTest, UnsolicitedPongDoesNotKeepASessionAlive) {
  auto sid = open_polling();
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(run_until([&] {
    if (server.session_count() != 0) call("POST", q(sid), "3");  // a pong every few ms
    return server.session_count() == 0;
  }));
  EXPECT_EQ(close_reason, "ping timeout");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);  // interval + timeout is 100 ms
}

// Counts every packet it is offered and refuses past `budget` (a rate limit stand-in).
struct Budget : SessionListener {
  Session& session;
  int budget;
  int offered = 0;
  Budget(Session& s, int b) : session(s), budget(b) {}
  void on_message(std::string_view, bool) override {}
  void on_close(std::string_view) override {}
  bool admit_packet() override {
    if (++offered <= budget) return true;
    session.close("rate limit exceeded");
    return false;
  }
};

// Issue 12: pings cost a queued pong each; they pass through the same budget as messages.
TEST(EngineLimits, EveryPacketIsOfferedToTheListenerBudget) {
  boost::asio::io_context io;
  Server server(io, ServerConfig{10s, 10s, 1'000'000, true});
  Budget* budget = nullptr;
  server.on_connection([&](Session& s) {
    auto b = std::make_unique<Budget>(s, 3);
    budget = b.get();
    s.set_listener(std::move(b));
  });
  auto ws = std::make_shared<FakeWs>();
  http::Request r;
  r.method = "GET";
  r.query = http::parse_query("EIO=4&transport=websocket");
  auto handler = server.open_websocket(r, ws);
  ASSERT_TRUE(budget);
  for (int i = 0; i < 10 && !ws->closed; ++i) handler->on_frame("2", false);
  EXPECT_TRUE(ws->closed);
  EXPECT_EQ(server.session_count(), 0u);
  // Three pings answered, the fourth refused: the open packet, three pongs and the close.
  ASSERT_EQ(ws->frames.size(), 5u);
  EXPECT_EQ(ws->frames[3].first, "3");
  EXPECT_EQ(ws->frames[4].first, "1");
}

class EngineLimitsTest : public ::testing::Test {
 protected:
  // 1000-byte payloads, 5000 bytes of backlog, two sessions per address.
  EngineLimitsTest() : server(io, ServerConfig{10s, 10s, 1000, true, 5000, 2}) {}

  http::Response call(std::string method, std::string query, std::string address = "10.0.0.1") {
    http::Request r;
    r.method = std::move(method);
    r.query = http::parse_query(query);
    r.remote_address = std::move(address);
    Reply reply;
    server.handle_http(std::move(r), reply.responder());
    io.poll();
    return reply.response.value_or(http::Response{});
  }
  std::string open_polling(std::string address = "10.0.0.1") {
    auto r = call("GET", "EIO=4&transport=polling", std::move(address));
    return r.status == 200 ? nlohmann::json::parse(r.body.substr(1))["sid"].get<std::string>() : "";
  }

  boost::asio::io_context io;
  Server server;
};

// Issue 12: a client that never GETs while a peer sends it data grew the server without bound.
TEST_F(EngineLimitsTest, PollingClientThatDoesNotFetchIsDroppedAtTheBacklog) {
  const auto sid = open_polling();
  auto session = server.find(sid);
  for (int i = 0; i < 100 && server.session_count() == 1; ++i) {
    session->send(std::string(400, 'x'));
    io.poll();
  }
  EXPECT_EQ(server.session_count(), 0u);
  EXPECT_EQ(server.counters().slow_clients_dropped, 1u);
  EXPECT_EQ(call("GET", "EIO=4&transport=polling&sid=" + sid).status, 400);
}

// A poll response carries at most max_payload bytes; the rest waits for the next GET.
TEST_F(EngineLimitsTest, PollResponsesAreCappedAndTheRestFollows) {
  const auto sid = open_polling();
  auto session = server.find(sid);
  for (int i = 0; i < 4; ++i) session->send(std::string(400, 'a' + i));
  const std::string q = "EIO=4&transport=polling&sid=" + sid;
  const auto first = call("GET", q).body;
  const auto second = call("GET", q).body;
  EXPECT_EQ(first, "4" + std::string(400, 'a') +
                       "\x1e"
                       "4" +
                       std::string(400, 'b'));
  EXPECT_EQ(second, "4" + std::string(400, 'c') +
                        "\x1e"
                        "4" +
                        std::string(400, 'd'));
  EXPECT_EQ(server.counters().slow_clients_dropped, 0u);
}

// Issue 12: thousands of polling sessions fit in a few keep-alive connections; the
// per-address limit counts sessions.
TEST_F(EngineLimitsTest, SessionsPerAddressAreCapped) {
  const auto a = open_polling();
  const auto b = open_polling();
  ASSERT_FALSE(a.empty());
  ASSERT_FALSE(b.empty());
  const auto refused = call("GET", "EIO=4&transport=polling");
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.body, R"({"code":4,"message":"Too many sessions from your address"})");
  EXPECT_EQ(server.counters().sessions_refused, 1u);
  EXPECT_FALSE(open_polling("10.0.0.2").empty());  // another address is not affected
  http::Request ws;
  ws.method = "GET";
  ws.query = http::parse_query("EIO=4&transport=websocket");
  ws.remote_address = "10.0.0.1";
  EXPECT_EQ(server.check_websocket(ws)->status, 429);
  server.find(a)->close();
  io.poll();
  EXPECT_EQ(server.sessions_from("10.0.0.1"), 1u);
  EXPECT_FALSE(open_polling().empty());  // a closed session frees its place
}

}  // namespace
}  // namespace confab::engineio
