// TcpWebSocketChannel on a real loopback connection.
#include "http/tcp_websocket_channel.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <string>
#include <vector>

namespace confab::http {
namespace {

using boost::asio::ip::tcp;

std::string masked_text_frame(const std::string& payload) {
  const char key[4] = {0x11, 0x22, 0x33, 0x44};
  std::string frame;
  append_ws_frame(frame, WsOpcode::text, payload);
  const std::size_t header = frame.size() - payload.size();
  frame[1] = static_cast<char>(frame[1] | 0x80);
  frame.insert(header, key, 4);
  for (std::size_t i = 0; i < payload.size(); ++i) frame[header + 4 + i] ^= key[i % 4];
  return frame;
}

BeastRequest upgrade_request() {
  BeastRequest req{boost::beast::http::verb::get, "/socket.io/?EIO=4&transport=websocket", 11};
  req.set(boost::beast::http::field::host, "localhost");
  req.set(boost::beast::http::field::upgrade, "websocket");
  req.set(boost::beast::http::field::connection, "Upgrade");
  req.set(boost::beast::http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
  req.set(boost::beast::http::field::sec_websocket_version, "13");
  return req;
}

class Recorder final : public engineio::WsHandler {
 public:
  Recorder(boost::asio::io_context& io, std::size_t expected) : io_(io), expected_(expected) {}
  void on_frame(std::string_view frame, bool binary) override {
    frames.emplace_back(frame);
    EXPECT_FALSE(binary);
    if (frames.size() == expected_) io_.stop();
  }
  void on_close() override { closed = true; }
  std::vector<std::string> frames;
  bool closed = false;

 private:
  boost::asio::io_context& io_;
  std::size_t expected_;
};

// Everything is already in the socket when the channel starts, 200 KB: more than one turn of
// reads takes (8 x 16 KB), frames cut at every read boundary.
TEST(TcpWebSocketChannel, ReadsABacklogLargerThanOneTurnInOrder) {
  boost::asio::io_context io;
  tcp::acceptor acceptor(io);
  acceptor.open(tcp::v4());
  acceptor.set_option(boost::asio::socket_base::receive_buffer_size(1 << 20));
  acceptor.bind({boost::asio::ip::address_v4::loopback(), 0});
  acceptor.listen();
  tcp::socket client(io);
  client.connect(acceptor.local_endpoint());
  tcp::socket server = acceptor.accept();

  constexpr std::size_t kFrames = 100;
  std::string burst;
  std::vector<std::string> sent;
  for (std::size_t i = 0; i < kFrames; ++i) {
    sent.push_back(std::to_string(i) + std::string(2000, 'x'));
    burst += masked_text_frame(sent.back());
  }
  ASSERT_GT(burst.size(), 128u * 1024u);
  boost::asio::write(client, boost::asio::buffer(burst));

  auto state = std::make_shared<ListenerState>(0);
  auto recorder = std::make_shared<Recorder>(io, kFrames);
  auto channel = std::make_shared<TcpWebSocketChannel>(std::move(server), 1 << 20, state,
                                                       IpLimiter::Slot{}, 1 << 22);
  channel->accept(upgrade_request(),
                  [recorder](std::shared_ptr<engineio::WsChannel>) { return recorder; });
  io.run_for(std::chrono::seconds(5));

  EXPECT_EQ(recorder->frames, sent);
  EXPECT_FALSE(recorder->closed);
  EXPECT_EQ(state->traffic.websockets_open, 1u);
}

}  // namespace
}  // namespace confab::http
