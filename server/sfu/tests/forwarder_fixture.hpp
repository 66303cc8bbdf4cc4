#pragma once
// The whole packet path in memory: test peers (our client role) and a Forwarder exchange real
// STUN, DTLS and SRTP datagrams through a simulated network, on a clock the test moves.
#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <unordered_map>

#include "sfu/forwarder.hpp"
#include "sfu/testing/test_peer.hpp"

namespace confab::sfu::testing {

using Clock = std::chrono::steady_clock;

inline TransportAddress address(std::uint8_t last, std::uint16_t port) {
  TransportAddress a;
  a.ip = {127, 0, 0, last};
  a.port = port;
  return a;
}

struct Datagram {
  TransportAddress from, to;
  std::vector<std::uint8_t> bytes;
};

// VP8 payloads: a payload descriptor (S=1, partition 0) and a frame header whose P bit says
// key or delta frame.
inline std::vector<std::uint8_t> vp8_payload(bool keyframe, std::uint8_t fill) {
  std::vector<std::uint8_t> p = {0x10, static_cast<std::uint8_t>(keyframe ? 0x50 : 0x51),
                                 0x03, 0x00,
                                 0x9d, 0x01,
                                 0x2a, 0x40,
                                 0x01, 0xf0,
                                 0x00};
  p.resize(60, fill);
  return p;
}

class ForwarderFixture : public ::testing::Test, public DatagramSender {
 protected:
  const TransportAddress kSfu = address(1, 40000);

  ForwarderFixture()
      : certificate_(DtlsCertificate::generate()),
        context_(certificate_),
        forwarder_(
            context_, *this, counters_,
            [this](const std::string& id, std::string_view reason) {
              closed_.emplace_back(id, std::string(reason));
            },
            [this](std::vector<meeting::AudioLevel> levels) {
              levels_.push_back(std::move(levels));
            }) {}

  bool send(std::span<const std::uint8_t> datagram, const TransportAddress& to) override {
    wire_.push_back({kSfu, to, {datagram.begin(), datagram.end()}});
    return true;
  }

  // A transport on the SFU and a connected peer for it.
  TestPeer& connect(const std::string& id, std::uint8_t host) {
    const meeting::IceParameters ice{"uf" + id + "xxxx", "pwd" + id + "xxxxxxxxxxxxxxxxxxxxxxxx"};
    forwarder_.add_transport(id, ice.ufrag, ice.pwd, now_);
    const TransportAddress self = address(host, static_cast<std::uint16_t>(50000 + host));
    auto peer = std::make_unique<TestPeer>(
        self, kSfu, ice, certificate_.fingerprint_sha256(),
        [this, self](std::span<const std::uint8_t> d, const TransportAddress& to) {
          if (!drop_next_from_peer_) wire_.push_back({self, to, {d.begin(), d.end()}});
          drop_next_from_peer_ = false;
        });
    forwarder_.connect_transport(id, "sha-256", peer->fingerprint());
    TestPeer& ref = *peer;
    peers_[self] = std::move(peer);
    ref.check(now_);
    pump();
    EXPECT_TRUE(ref.connected()) << id;
    return ref;
  }

  void pump() {
    for (int guard = 0; guard < 10000 && !wire_.empty(); ++guard) {
      Datagram d = std::move(wire_.front());
      wire_.pop_front();
      if (d.to == kSfu) {
        forwarder_.receive(d.bytes, d.from, now_);
      } else if (auto it = peers_.find(d.to); it != peers_.end()) {
        it->second->receive(d.bytes);
      }
    }
  }

  void advance(std::chrono::milliseconds by) {
    now_ += by;
    forwarder_.tick(now_);
    pump();
  }

  meeting::ProducerSpec video_producer(const std::string& transport) {
    meeting::ProducerSpec p;
    p.id = "P1";
    p.transport_id = transport;
    p.kind = meeting::MediaKind::video;
    p.encodings = {{.ssrc = 1111, .rtx_ssrc = 1112, .temporal_layers = 1, .rid = {}}};
    p.payload_type = 96;
    p.rtx_payload_type = 97;
    p.router_payload_type = 101;
    p.router_rtx_payload_type = 102;
    p.clock_rate = 90000;
    return p;
  }

  // An Opus microphone, SSRC 3333, payload type 111 (the router's 100).
  meeting::ProducerSpec mic_producer(const std::string& transport) {
    meeting::ProducerSpec p;
    p.id = "M1";
    p.transport_id = transport;
    p.kind = meeting::MediaKind::audio;
    p.encodings = {{.ssrc = 3333, .rtx_ssrc = 0, .temporal_layers = 1, .rid = {}}};
    p.payload_type = 111;
    p.router_payload_type = 100;
    p.clock_rate = 48000;
    return p;
  }

  meeting::ConsumerSpec video_consumer(const std::string& id, const std::string& transport,
                                       bool rtx = false) {
    meeting::ConsumerSpec c;
    c.id = id;
    c.transport_id = transport;
    c.producer_id = "P1";
    c.kind = meeting::MediaKind::video;
    c.ssrc = 2222;
    c.rtx_ssrc = rtx ? 2223 : 0;
    c.payload_type = 101;
    c.rtx_payload_type = rtx ? 102 : 0;
    c.paused = false;
    return c;
  }

  DtlsCertificate certificate_;
  DtlsContext context_;
  SfuCounters counters_;
  Forwarder forwarder_;
  std::deque<Datagram> wire_;
  std::unordered_map<TransportAddress, std::unique_ptr<TestPeer>, TransportAddressHash> peers_;
  std::vector<std::pair<std::string, std::string>> closed_;
  std::vector<std::vector<meeting::AudioLevel>> levels_;
  Clock::time_point now_ = Clock::now();
  bool drop_next_from_peer_ = false;
};

}  // namespace confab::sfu::testing
