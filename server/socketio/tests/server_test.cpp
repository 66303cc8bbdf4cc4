// Socket.IO server behaviour over fake WebSockets: the conformance handlers of the
// protocol test suite, rooms, middleware, acks both ways and protocol violations.
#include "socketio/server.hpp"

#include <gtest/gtest.h>

namespace confab::socketio {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

struct FakeWs : engineio::WsChannel {
  std::vector<std::pair<std::string, bool>> frames;
  bool closed = false;
  void send(std::string frame, bool binary) override {
    frames.emplace_back(std::move(frame), binary);
  }
  void close() override { closed = true; }
};

struct Conn {
  std::shared_ptr<FakeWs> ws = std::make_shared<FakeWs>();
  std::shared_ptr<engineio::WsHandler> handler;
  void text(std::string_view sio) { handler->on_frame("4" + std::string(sio), false); }
  void binary(std::string bytes) { handler->on_frame(bytes, true); }
  const std::string& last() const { return ws->frames.back().first; }
  std::string sid_of(std::size_t frame) const {
    const std::string& f = ws->frames.at(frame).first;
    return json::parse(f.substr(f.find('{')))["sid"];
  }
};

class SioTest : public ::testing::Test {
 protected:
  SioTest()
      : engine(io, engineio::ServerConfig{10s, 10s, 1'000'000, true}),
        sio(io, engine, ServerOptions{100ms, 10, [this](std::string_view kind, std::string_view) {
                                        errors.emplace_back(kind);
                                      }}) {
    for (auto* nsp : {&sio.of("/"), &sio.of("/custom")}) {
      nsp->on_connection([](Socket& s) { s.emit("auth", s.auth()); });
      nsp->on("message", [](Socket& s, json& args, Ack&) {
        args.insert(args.begin(), "message-back");
        s.emit_args(args);
      });
      nsp->on("message-with-ack", [](Socket&, json& args, Ack& ack) { ack.send_args(args); });
    }
    sio.of("/").on_disconnect(
        [this](Socket&, std::string_view reason) { reasons.emplace_back(reason); });
  }

  Conn open() {
    Conn c;
    http::Request r;
    r.method = "GET";
    r.query = http::parse_query("EIO=4&transport=websocket");
    c.handler = engine.open_websocket(r, c.ws);
    return c;
  }

  Conn connected(std::string_view connect = "0") {
    Conn c = open();
    c.text(connect);
    return c;
  }

  boost::asio::io_context io;
  engineio::Server engine;
  Server sio;
  std::vector<std::string> errors;
  std::vector<std::string> reasons;
};

TEST_F(SioTest, ConnectsToMainNamespaceAndEmitsAuth) {
  Conn c = connected();
  ASSERT_EQ(c.ws->frames.size(), 3u);
  EXPECT_TRUE(c.ws->frames[1].first.starts_with("40{\"sid\":"));
  EXPECT_EQ(c.last(), R"(42["auth",{}])");
  EXPECT_EQ(sio.of("/").size(), 1u);
  // The socket id is not the Engine.IO session id.
  EXPECT_NE(c.sid_of(1), c.sid_of(0));
}

TEST_F(SioTest, ConnectsWithAuthPayloadAndCustomNamespace) {
  Conn c = connected(R"(0{"token":"123"})");
  EXPECT_EQ(c.last(), R"(42["auth",{"token":"123"}])");
  c.text(R"(0/custom,{"token":"abc"})");
  EXPECT_TRUE(c.ws->frames[3].first.starts_with("40/custom,{\"sid\":"));
  EXPECT_EQ(c.last(), R"(42/custom,["auth",{"token":"abc"}])");
}

TEST_F(SioTest, RefusesUnknownNamespace) {
  Conn c = connected("0/random");
  EXPECT_EQ(c.last(), R"(44/random,{"message":"Invalid namespace"})");
  EXPECT_FALSE(c.ws->closed);
}

TEST_F(SioTest, MiddlewareRefusalIsConnectError) {
  sio.of("/custom").use([](Socket& s) -> std::optional<std::string> {
    if (s.auth().value("token", "") != "good") return "Not authorized";
    return std::nullopt;
  });
  Conn c = connected("0/custom,");
  EXPECT_EQ(c.last(), R"(44/custom,{"message":"Not authorized"})");
  EXPECT_EQ(sio.of("/custom").size(), 0u);
  c.text(R"(0/custom,{"token":"good"})");
  EXPECT_EQ(sio.of("/custom").size(), 1u);
}

TEST_F(SioTest, EchoesEventsAndAcks) {
  Conn c = connected();
  c.text(R"(2["message",1,"2",{"3":[true]}])");
  EXPECT_EQ(c.last(), R"(42["message-back",1,"2",{"3":[true]}])");
  c.text(R"(2456["message-with-ack",1,"2",{"3":[false]}])");
  EXPECT_EQ(c.last(), R"(43456[1,"2",{"3":[false]}])");
}

TEST_F(SioTest, EchoesBinaryAttachments) {
  Conn c = connected();
  c.text(R"(52-["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
  c.binary("\x01\x02\x03");
  c.binary("\x04\x05\x06");
  auto& f = c.ws->frames;
  ASSERT_EQ(f.size(), 6u);
  EXPECT_EQ(f[3].first,
            R"(452-["message-back",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
  EXPECT_EQ(f[4], std::make_pair(std::string("\x01\x02\x03"), true));
  EXPECT_EQ(f[5], std::make_pair(std::string("\x04\x05\x06"), true));
  c.text(
      R"(52-789["message-with-ack",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
  c.binary("\x01\x02\x03");
  c.binary("\x04\x05\x06");
  EXPECT_EQ(f[6].first, R"(462-789[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
}

// As with the reference server, leaving the last namespace keeps the connection: the client
// may connect again; if it does not within the connect timeout (100 ms here), it is closed.
TEST_F(SioTest, DisconnectFromLastNamespaceKeepsConnectionUntilConnectTimeout) {
  Conn c = connected();
  c.text("1");
  EXPECT_FALSE(c.ws->closed);
  EXPECT_EQ(reasons, std::vector<std::string>{"client namespace disconnect"});
  EXPECT_EQ(sio.of("/").size(), 0u);
  c.text("0");
  EXPECT_TRUE(c.last().starts_with("42[\"auth\""));
  EXPECT_EQ(sio.of("/").size(), 1u);
  c.text("1");
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!c.ws->closed && std::chrono::steady_clock::now() < deadline) io.run_one_for(5ms);
  EXPECT_TRUE(c.ws->closed);
  EXPECT_EQ(reasons.size(), 2u);
}

TEST_F(SioTest, DisconnectFromCustomNamespaceKeepsMain) {
  Conn c = connected();
  c.text("0/custom");
  c.text("1/custom");
  c.text(R"(2["message","message to main namespace"])");
  EXPECT_EQ(c.last(), R"(42["message-back","message to main namespace"])");
  EXPECT_FALSE(c.ws->closed);
}

TEST_F(SioTest, MalformedPacketsCloseOnlyThatConnection) {
  Conn good = connected();
  for (std::string_view bad :
       {"abc", "2{}", R"(2abc["message-with-ack",1])", R"(2/custom,["message"])", "4{}"}) {
    Conn c = connected();
    c.text(bad);
    EXPECT_TRUE(c.ws->closed) << bad;
  }
  good.text(R"(2["message","still here"])");
  EXPECT_EQ(good.last(), R"(42["message-back","still here"])");
  EXPECT_EQ(errors.size(), 5u);
}

TEST_F(SioTest, TextEventHandlerGetsTheFirstArgumentVerbatim) {
  std::vector<std::string> seen;
  sio.of("/custom").on_text("relay", [&](Socket& s, std::string_view arg, Ack& ack) {
    seen.emplace_back(arg);
    s.emit_text("relayed", arg);
    if (ack.requested()) ack.send_text(R"([{"ok":true}])");
  });
  Conn c = connected();
  c.text("0/custom,");
  c.text(R"(2/custom,7["relay", {"b": [1, 2.50], "a":"\u00e9"} , "ignored"])");
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], R"({"b": [1, 2.50], "a":"\u00e9"})");  // not re-serialised
  EXPECT_EQ(c.ws->frames.at(c.ws->frames.size() - 2).first,
            R"(42/custom,["relayed",{"b": [1, 2.50], "a":"\u00e9"}])");
  EXPECT_EQ(c.last(), R"(43/custom,7[{"ok":true}])");
  c.text(R"(2/custom,["relay"])");  // no argument: null, no ack asked
  EXPECT_EQ(seen.back(), "null");
  EXPECT_EQ(c.last(), R"(42/custom,["relayed",null])");
  // The same event on a namespace without a text handler takes the general path.
  c.text(R"(2["relay",1])");
  EXPECT_EQ(seen.size(), 2u);
  EXPECT_FALSE(c.ws->closed);
  EXPECT_TRUE(errors.empty());
}

TEST_F(SioTest, TextEventWithInvalidJsonClosesOnlyThatConnection) {
  int calls = 0;
  sio.of("/").on_text("relay", [&](Socket&, std::string_view, Ack&) { ++calls; });
  Conn good = connected();
  for (std::string bad :
       {std::string(R"(2["relay",{"a":1])"), std::string(R"(2["relay",{"a":01}])"),
        std::string("2[\"relay\",\"\xff\"]"),
        "2[\"relay\"," + std::string(40, '[') + std::string(40, ']') + "]"}) {
    Conn c = connected();
    c.text(bad);
    EXPECT_TRUE(c.ws->closed) << bad;
  }
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(errors, std::vector<std::string>(4, "protocol"));
  good.text(R"(2["relay",{}])");
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(good.ws->closed);
}

TEST(SioPeekEvent, FindsHeaderWithoutParsing) {
  auto h = peek_event(R"(2/admin,12["name",{"x":1}])");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->nsp, "/admin");
  EXPECT_EQ(h->id, 12u);
  EXPECT_EQ(h->name, "name");
  EXPECT_EQ(h->data, R"(["name",{"x":1}])");
  h = peek_event(R"(2["a"])");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->nsp, "/");
  EXPECT_FALSE(h->id);
  for (std::string_view other : {R"(3["a"])", R"(2[1])", R"(2["a\"b"])", R"(2/admin["a"])", "2",
                                 R"(299999999999999999999999["a"])"}) {
    EXPECT_FALSE(peek_event(other)) << other;
  }
}

TEST_F(SioTest, ConnectTimeoutClosesIdleConnection) {
  Conn c = open();
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  while (!c.ws->closed && std::chrono::steady_clock::now() < deadline) io.run_one_for(10ms);
  EXPECT_TRUE(c.ws->closed);
}

TEST_F(SioTest, RoomsAndBroadcast) {
  Conn a = connected(), b = connected(), x = connected();
  auto& nsp = sio.of("/");
  Socket* sa = nsp.socket(a.sid_of(1));
  Socket* sb = nsp.socket(b.sid_of(1));
  ASSERT_TRUE(sa && sb);
  sa->join("r1");
  sb->join("r1");
  const auto x_frames = x.ws->frames.size();
  sa->broadcast("r1", "hi", "from a");
  EXPECT_EQ(b.last(), R"(42["hi","from a"])");
  EXPECT_NE(a.last(), R"(42["hi","from a"])");
  EXPECT_EQ(x.ws->frames.size(), x_frames);
  nsp.emit({{"r1"}, {}}, "all", 1);
  EXPECT_EQ(a.last(), R"(42["all",1])");
  EXPECT_EQ(b.last(), R"(42["all",1])");
  nsp.emit({{sb->id()}, {}}, "direct", 2);  // a socket's own room
  EXPECT_EQ(b.last(), R"(42["direct",2])");
  EXPECT_EQ(nsp.adapter().sockets({"r1"}).size(), 2u);
  b.handler->on_close();
  EXPECT_EQ(nsp.adapter().sockets({"r1"}).size(), 1u);
  EXPECT_EQ(reasons.back(), "transport close");
}

TEST_F(SioTest, HandlerExceptionIsReportedAndConnectionLives) {
  sio.of("/").on("boom", [](Socket&, json& args, Ack&) { (void)args.at(5).get<int>(); });
  Conn c = connected();
  c.text(R"(2["boom"])");
  EXPECT_EQ(errors, std::vector<std::string>{"handler"});
  c.text(R"(2["message","ok"])");
  EXPECT_EQ(c.last(), R"(42["message-back","ok"])");
}

TEST_F(SioTest, ServerSideDisconnectSendsDisconnectPacket) {
  Conn c = connected();
  sio.of("/").socket(c.sid_of(1))->disconnect(true);
  EXPECT_EQ(c.ws->frames[c.ws->frames.size() - 2].first, "41");
  EXPECT_TRUE(c.ws->closed);
  EXPECT_EQ(sio.of("/").size(), 0u);
}

}  // namespace
}  // namespace confab::socketio

namespace confab::socketio {
namespace {

TEST(SioRateLimit, FloodingClientIsDisconnectedOthersAreNot) {
  boost::asio::io_context io;
  engineio::Server engine(io, engineio::ServerConfig{std::chrono::seconds(10),
                                                     std::chrono::seconds(10), 1'000'000, true});
  std::vector<std::string> errors;
  ServerOptions options;
  options.max_messages_per_second = 5;
  options.message_burst = 10;
  options.on_error = [&](std::string_view kind, std::string_view) { errors.emplace_back(kind); };
  Server sio(io, engine, options);
  sio.of("/").on("message", [](Socket& s, json& args, Ack&) {
    s.emit_args(json::array({"echo", args[0]}));
  });
  auto open = [&] {
    Conn c;
    http::Request r;
    r.method = "GET";
    r.query = http::parse_query("EIO=4&transport=websocket");
    c.handler = engine.open_websocket(r, c.ws);
    c.text("0");
    return c;
  };
  Conn flooder = open();
  Conn calm = open();
  for (int i = 0; i < 20 && !flooder.ws->closed; ++i) flooder.text(R"(2["message",1])");
  EXPECT_TRUE(flooder.ws->closed);
  EXPECT_EQ(flooder.ws->frames[flooder.ws->frames.size() - 2].first,
            "41");  // told before the close
  EXPECT_EQ(errors, std::vector<std::string>{"rate_limit"});
  calm.text(R"(2["message",2])");
  EXPECT_EQ(calm.last(), R"(42["echo",2])");
  EXPECT_FALSE(calm.ws->closed);
}

}  // namespace
}  // namespace confab::socketio
