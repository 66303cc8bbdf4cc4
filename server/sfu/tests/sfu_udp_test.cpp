// The Sfu over real UDP on loopback with its worker thread: what the app runs, driven through
// the meeting's MediaRouter port by test peers with their own sockets.
#include <gtest/gtest.h>

#include <boost/asio/ip/udp.hpp>
#include <deque>
#include <mutex>

#include "sfu/sfu.hpp"
#include "sfu/testing/test_peer.hpp"

namespace confab::sfu {
namespace {

namespace asio = boost::asio;
using udp = asio::ip::udp;
using Clock = std::chrono::steady_clock;

// A test peer with its own socket, polled by the test thread.
class UdpPeer {
 public:
  UdpPeer(asio::io_context& io, const meeting::TransportInfo& info)
      : socket_(io, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        peer_(to_transport_address(socket_.local_endpoint()),
              to_transport_address(udp::endpoint(asio::ip::make_address(info.candidates.at(0).ip),
                                                 info.candidates.at(0).port)),
              info.ice, info.fingerprint_sha256,
              [this](std::span<const std::uint8_t> d, const TransportAddress& to) {
                socket_.send_to(asio::buffer(d.data(), d.size()), to_endpoint(to));
              }) {
    socket_.non_blocking(true);
  }

  testing::TestPeer& peer() { return peer_; }

  void poll() {
    std::array<std::uint8_t, 2048> buffer;
    udp::endpoint from;
    boost::system::error_code ec;
    for (;;) {
      const std::size_t n = socket_.receive_from(asio::buffer(buffer), from, 0, ec);
      if (ec) break;
      peer_.receive(std::span(buffer).first(n));
    }
    peer_.tick();
  }

 private:
  udp::socket socket_;
  testing::TestPeer peer_;
};

// Polls until `done` or a generous deadline; never sleeps as synchronisation beyond yielding.
template <typename Done>
bool wait_until(Done done, std::initializer_list<UdpPeer*> peers,
                std::chrono::seconds limit = std::chrono::seconds(20)) {
  const auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    for (UdpPeer* p : peers) p->poll();
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

class Events final : public meeting::MediaEvents {
 public:
  void transport_closed(const std::string& id, std::string_view) override { closed.push_back(id); }
  void audio_levels(const std::vector<meeting::AudioLevel>& levels) override {
    for (const auto& level : levels) {
      if (level.activity > 0) speaking.push_back(level.producer_id);
    }
  }
  std::vector<std::string> closed;
  std::vector<std::string> speaking;
};

TEST(SfuOverUdp, APublishedStreamReachesASubscriberThroughTheWorkerThread) {
  std::mutex mutex;
  std::deque<std::function<void()>> signaling;
  Sfu sfu({.listen_address = "127.0.0.1", .port = 0, .workers = 1, .announced_addresses = {}},
          [&](std::function<void()> f) {
            std::lock_guard lock(mutex);
            signaling.push_back(std::move(f));
          });
  Events events;
  sfu.set_events(&events);

  asio::io_context io;
  const auto info_a = sfu.create_transport("room", "A");
  const auto info_b = sfu.create_transport("room", "B");
  ASSERT_EQ(info_a.candidates.at(0).ip, "127.0.0.1");
  EXPECT_EQ(info_a.candidates.at(0).port, sfu.ports().at(0));
  EXPECT_GE(info_a.ice.ufrag.size(), 4u);
  EXPECT_GE(info_a.ice.pwd.size(), 22u);
  UdpPeer a(io, info_a), b(io, info_b);
  sfu.connect_transport("A", "sha-256", a.peer().fingerprint());
  sfu.connect_transport("B", "sha-256", b.peer().fingerprint());
  a.peer().check(Clock::now());
  b.peer().check(Clock::now());
  ASSERT_TRUE(wait_until([&] { return a.peer().connected() && b.peer().connected(); }, {&a, &b}));

  meeting::ProducerSpec p;
  p.id = "P";
  p.transport_id = "A";
  p.kind = meeting::MediaKind::audio;
  p.encodings = {{.ssrc = 5, .rtx_ssrc = 0, .temporal_layers = 1, .rid = {}}};
  p.payload_type = 111;
  p.router_payload_type = 100;
  p.clock_rate = 48000;
  p.extensions[1] = meeting::kAudioLevelExtensionId;
  sfu.create_producer(p);
  meeting::ConsumerSpec c;
  c.id = "C";
  c.transport_id = "B";
  c.producer_id = "P";
  c.kind = meeting::MediaKind::audio;
  c.ssrc = 77;
  c.payload_type = 100;
  c.paused = false;
  sfu.create_consumer(c);

  // Commands are posted in order, so packets sent after a round trip find the consumer.
  std::vector<std::uint8_t> payload(80, 0x42);
  std::uint16_t seq = 0;
  ASSERT_TRUE(wait_until(
      [&] {
        payload[0] = static_cast<std::uint8_t>(seq);
        a.peer().send_rtp(5, 111, seq, seq * 960u, payload);
        ++seq;
        return b.peer().received().size() >= 20;
      },
      {&a, &b}));
  for (const auto& got : b.peer().received()) {
    EXPECT_EQ(got.ssrc, 77u);
    EXPECT_EQ(got.payload_type, 100);
    EXPECT_EQ(got.payload.size(), payload.size());
  }
  EXPECT_GE(sfu.total(&SfuCounters::rtp_packets_out), 20u);

  // Speech levels travel from the worker thread to the signaling side.
  auto run_signaling = [&] {
    std::deque<std::function<void()>> ready;
    {
      std::lock_guard lock(mutex);
      ready.swap(signaling);
    }
    for (auto& f : ready) f();
  };
  ASSERT_TRUE(wait_until(
      [&] {
        a.peer().send_audio(5, 111, seq, seq * 960u, payload, 1, 20);
        ++seq;
        run_signaling();
        return !events.speaking.empty();
      },
      {&a, &b}));
  EXPECT_EQ(events.speaking.front(), "P");

  sfu.close_transport("B");
  sfu.close_transport("A");
  std::lock_guard lock(mutex);
  for (auto& f : signaling) f();
  EXPECT_TRUE(events.closed.empty()) << "closed by the meeting, not by the data plane";
}

}  // namespace
}  // namespace confab::sfu
