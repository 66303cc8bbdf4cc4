#include "sfu/dtls_transport.hpp"

#include <gtest/gtest.h>

#include <random>

#include "sfu/tests/dtls_pair.hpp"

namespace confab::sfu {
namespace {

using test::Pair;
using State = DtlsTransport::State;

void expect_matching_keys(const Pair& pair, SrtpProfile profile) {
  ASSERT_TRUE(pair.client.keys.has_value());
  ASSERT_TRUE(pair.server.keys.has_value());
  const SrtpKeys& c = *pair.client.keys;
  const SrtpKeys& s = *pair.server.keys;
  EXPECT_EQ(c.profile, profile);
  EXPECT_EQ(s.profile, profile);
  EXPECT_EQ(c.local_master.size(), srtp_master_length(profile));
  EXPECT_EQ(c.remote_master.size(), srtp_master_length(profile));
  EXPECT_EQ(c.local_master, s.remote_master);
  EXPECT_EQ(c.remote_master, s.local_master);
  EXPECT_NE(c.local_master, c.remote_master);
}

TEST(DtlsTransport, HandshakeDerivesMatchingKeysWithGcmPreferred) {
  Pair pair;
  pair.connect();
  EXPECT_EQ(pair.client.transport->state(), State::Connected);
  EXPECT_EQ(pair.server.transport->state(), State::Connected);
  EXPECT_TRUE(pair.client.failures.empty());
  EXPECT_TRUE(pair.server.failures.empty());
  expect_matching_keys(pair, SrtpProfile::AeadAes128Gcm);
  // Nothing left to retransmit once both are connected.
  EXPECT_FALSE(pair.server.transport->timeout().has_value());
  EXPECT_FALSE(pair.client.transport->timeout().has_value());
}

TEST(DtlsTransport, TwoHandshakesDeriveDifferentKeys) {
  Pair first;
  first.connect();
  Pair second;
  second.connect();
  ASSERT_TRUE(first.client.keys && second.client.keys);
  EXPECT_NE(first.client.keys->local_master, second.client.keys->local_master);
}

TEST(DtlsTransport, NegotiatesAesCmWhenTheClientOffersOnlyIt) {
  DtlsContext::Options client;
  client.srtp_profiles = {SrtpProfile::Aes128CmSha1_80};
  Pair pair({}, client);
  pair.connect();
  expect_matching_keys(pair, SrtpProfile::Aes128CmSha1_80);
}

TEST(DtlsTransport, TheServerPreferenceDecidesTheProfile) {
  DtlsContext::Options client;
  client.srtp_profiles = {SrtpProfile::Aes128CmSha1_80, SrtpProfile::AeadAes128Gcm};
  Pair gcm_server({}, client);
  gcm_server.connect();
  expect_matching_keys(gcm_server, SrtpProfile::AeadAes128Gcm);

  DtlsContext::Options server;
  server.srtp_profiles = {SrtpProfile::Aes128CmSha1_80, SrtpProfile::AeadAes128Gcm};
  Pair cm_server(server, {});
  cm_server.connect();
  expect_matching_keys(cm_server, SrtpProfile::Aes128CmSha1_80);
}

TEST(DtlsTransport, NoCommonSrtpProfileFails) {
  DtlsContext::Options server;
  server.srtp_profiles = {SrtpProfile::AeadAes128Gcm};
  DtlsContext::Options client;
  client.srtp_profiles = {SrtpProfile::Aes128CmSha1_80};
  Pair pair(server, client);
  pair.connect();
  EXPECT_FALSE(pair.server.keys.has_value());
  EXPECT_FALSE(pair.client.keys.has_value());
  EXPECT_TRUE(pair.server.transport->state() == State::Failed ||
              pair.client.transport->state() == State::Failed);
}

TEST(DtlsTransport, ServerRefusesAClientWithTheWrongFingerprint) {
  Pair pair;
  const test::Endpoint stranger(DtlsRole::Client);
  pair.server.transport->set_remote_fingerprint("sha-256",
                                                stranger.certificate.fingerprint_sha256());
  pair.client.transport->set_remote_fingerprint("sha-256",
                                                pair.server.certificate.fingerprint_sha256());
  pair.start();
  pair.pump();
  EXPECT_EQ(pair.server.transport->state(), State::Failed);
  EXPECT_FALSE(pair.server.keys.has_value());
  ASSERT_EQ(pair.server.failures.size(), 1u);
  EXPECT_NE(pair.server.failures[0].find("fingerprint"), std::string::npos);
  // The server said goodbye, so the client does not stay connected to nobody.
  EXPECT_NE(pair.client.transport->state(), State::Connected);
}

TEST(DtlsTransport, ClientRefusesAServerWithTheWrongFingerprint) {
  Pair pair;
  const test::Endpoint stranger(DtlsRole::Server);
  pair.server.transport->set_remote_fingerprint("sha-256",
                                                pair.client.certificate.fingerprint_sha256());
  pair.client.transport->set_remote_fingerprint("sha-256",
                                                stranger.certificate.fingerprint_sha256());
  pair.start();
  pair.pump();
  EXPECT_EQ(pair.client.transport->state(), State::Failed);
  EXPECT_FALSE(pair.client.keys.has_value());
  ASSERT_EQ(pair.client.failures.size(), 1u);
  EXPECT_NE(pair.client.failures[0].find("fingerprint"), std::string::npos);
}

TEST(DtlsTransport, AFingerprintArrivingAfterTheHandshakeCompletesIt) {
  Pair pair;
  pair.client.transport->set_remote_fingerprint("sha-256",
                                                pair.server.certificate.fingerprint_sha256());
  pair.start();
  pair.pump();
  EXPECT_EQ(pair.client.transport->state(), State::Connected);
  EXPECT_EQ(pair.server.transport->state(), State::Connecting);
  EXPECT_FALSE(pair.server.keys.has_value());

  // Lower case is accepted too.
  std::string value = pair.client.certificate.fingerprint_sha256();
  for (char& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_TRUE(pair.server.transport->set_remote_fingerprint("SHA-256", value));
  EXPECT_EQ(pair.server.transport->state(), State::Connected);
  expect_matching_keys(pair, SrtpProfile::AeadAes128Gcm);
}

TEST(DtlsTransport, AWrongFingerprintArrivingAfterTheHandshakeFailsIt) {
  Pair pair;
  pair.start();
  pair.pump();
  EXPECT_EQ(pair.server.transport->state(), State::Connecting);
  pair.server.transport->set_remote_fingerprint("sha-256",
                                                pair.server.certificate.fingerprint_sha256());
  EXPECT_EQ(pair.server.transport->state(), State::Failed);
  EXPECT_FALSE(pair.server.keys.has_value());
}

TEST(DtlsTransport, OtherFingerprintAlgorithmsWork) {
  for (auto [name, md] : {std::pair{"sha-1", EVP_sha1()}, std::pair{"sha-384", EVP_sha384()},
                          std::pair{"sha-512", EVP_sha512()}}) {
    Pair pair;
    EXPECT_TRUE(pair.server.transport->set_remote_fingerprint(
        name, certificate_fingerprint(pair.client.certificate.x509(), md)));
    EXPECT_TRUE(pair.client.transport->set_remote_fingerprint(
        name, certificate_fingerprint(pair.server.certificate.x509(), md)));
    pair.start();
    pair.pump();
    EXPECT_EQ(pair.server.transport->state(), State::Connected) << name;
    EXPECT_EQ(pair.client.transport->state(), State::Connected) << name;
  }
}

TEST(DtlsTransport, MalformedFingerprintsAreRefused) {
  Pair pair;
  const std::string good = pair.client.certificate.fingerprint_sha256();
  auto& server = *pair.server.transport;
  EXPECT_FALSE(server.set_remote_fingerprint("md5", good));
  EXPECT_FALSE(server.set_remote_fingerprint("sha-256", ""));
  EXPECT_FALSE(server.set_remote_fingerprint("sha-256", good.substr(0, good.size() - 3)));
  EXPECT_FALSE(server.set_remote_fingerprint("sha-256", good + ":00"));
  std::string bad_hex = good;
  bad_hex[0] = 'G';
  EXPECT_FALSE(server.set_remote_fingerprint("sha-256", bad_hex));
  std::string bad_separator = good;
  bad_separator[2] = '-';
  EXPECT_FALSE(server.set_remote_fingerprint("sha-256", bad_separator));
  EXPECT_FALSE(server.set_remote_fingerprint("sha-1", good));  // sha-256 length

  // The last value stands: the handshake fails instead of connecting unauthenticated.
  pair.client.transport->set_remote_fingerprint("sha-256",
                                                pair.server.certificate.fingerprint_sha256());
  pair.start();
  pair.pump();
  EXPECT_EQ(server.state(), State::Failed);
  EXPECT_FALSE(pair.server.keys.has_value());
}

TEST(DtlsTransport, ALostClientHelloIsRetransmitted) {
  Pair pair(test::fast_timers(), test::fast_timers());
  pair.exchange_fingerprints();
  pair.start();
  pair.pump([](bool from_client, std::size_t index, auto) { return !(from_client && index == 0); });
  EXPECT_EQ(pair.from_client, 1u);
  EXPECT_EQ(pair.from_server, 0u);
  EXPECT_EQ(pair.server.transport->state(), State::Connecting);
  EXPECT_FALSE(pair.server.transport->timeout().has_value());  // a server waits, no timer

  ASSERT_TRUE(pair.client.transport->timeout().has_value());
  EXPECT_LE(*pair.client.transport->timeout(), std::chrono::milliseconds(50));
  ASSERT_TRUE(test::wait_until_timer_due(*pair.client.transport));
  pair.client.transport->handle_timeout();
  EXPECT_EQ(pair.client.outbox.size(), 1u);  // the ClientHello again
  pair.pump();
  EXPECT_EQ(pair.client.transport->state(), State::Connected);
  EXPECT_EQ(pair.server.transport->state(), State::Connected);
  expect_matching_keys(pair, SrtpProfile::AeadAes128Gcm);
}

TEST(DtlsTransport, ALostServerFlightIsRetransmitted) {
  Pair pair(test::fast_timers(), test::fast_timers());
  pair.exchange_fingerprints();
  pair.start();
  // The whole first server flight is lost.
  pair.pump([](bool from_client, std::size_t, auto) { return from_client; });
  ASSERT_GT(pair.from_server, 0u);
  EXPECT_EQ(pair.client.transport->state(), State::Connecting);
  ASSERT_TRUE(pair.server.transport->timeout().has_value());

  ASSERT_TRUE(test::wait_until_timer_due(*pair.server.transport));
  pair.server.transport->handle_timeout();
  EXPECT_FALSE(pair.server.outbox.empty());
  pair.pump();
  EXPECT_EQ(pair.client.transport->state(), State::Connected);
  EXPECT_EQ(pair.server.transport->state(), State::Connected);
  expect_matching_keys(pair, SrtpProfile::AeadAes128Gcm);
}

TEST(DtlsTransport, ALostFinalServerFlightIsRecoveredByTheClient) {
  Pair pair(test::fast_timers(), test::fast_timers());
  pair.exchange_fingerprints();
  pair.start();
  // Deliver everything but the server's last flight (ChangeCipherSpec + Finished): it answers
  // the client's flight that ends with ChangeCipherSpec + Finished.
  bool client_spoke_twice = false;
  pair.pump([&](bool from_client, std::size_t, std::span<const std::uint8_t> datagram) {
    if (from_client) {
      client_spoke_twice = client_spoke_twice || test::has_record_type(datagram, 20);
      return true;
    }
    return !client_spoke_twice;
  });
  ASSERT_TRUE(client_spoke_twice);
  EXPECT_EQ(pair.server.transport->state(), State::Connected);
  EXPECT_EQ(pair.client.transport->state(), State::Connecting);

  // The client retransmits its Finished flight; the server answers with its last flight.
  ASSERT_TRUE(test::wait_until_timer_due(*pair.client.transport));
  pair.client.transport->handle_timeout();
  pair.pump();
  EXPECT_EQ(pair.client.transport->state(), State::Connected);
  expect_matching_keys(pair, SrtpProfile::AeadAes128Gcm);
}

TEST(DtlsTransport, GivesUpAfterTheRetransmissionLimit) {
  const auto timers =
      test::fast_timers(std::chrono::milliseconds(20), std::chrono::milliseconds(20));
  Pair pair(timers, timers);
  pair.exchange_fingerprints();
  pair.start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (pair.client.transport->state() == State::Connecting &&
         std::chrono::steady_clock::now() < deadline) {
    pair.pump([](bool, std::size_t, auto) { return false; });
    if (test::wait_until_timer_due(*pair.client.transport)) pair.client.transport->handle_timeout();
  }
  pair.pump([](bool, std::size_t, auto) { return false; });
  EXPECT_EQ(pair.client.transport->state(), State::Failed);
  ASSERT_EQ(pair.client.failures.size(), 1u);
  EXPECT_NE(pair.client.failures[0].find("timed out"), std::string::npos)
      << pair.client.failures[0];
  // The first ClientHello and OpenSSL's 12 retransmissions.
  EXPECT_EQ(pair.from_client, 13u);
  EXPECT_FALSE(pair.client.transport->timeout().has_value());
}

TEST(DtlsTransport, HandshakeRecordsFitASmallMtu) {
  DtlsContext::Options small;
  small.mtu = 300;
  Pair pair(small, small);
  pair.connect();
  ASSERT_EQ(pair.client.transport->state(), State::Connected);
  ASSERT_EQ(pair.server.transport->state(), State::Connected);
  for (const auto* log : {&pair.server.sent_log, &pair.client.sent_log}) {
    for (const auto& datagram : *log) EXPECT_LE(datagram.size(), 300u);
  }
  // The first server flight (~900 bytes) needs one datagram at the default MTU, several here.
  Pair roomy;
  roomy.connect();
  EXPECT_GT(pair.server.sent_log.size(), roomy.server.sent_log.size());
}

// Re-fragments a datagram holding one handshake record into two records carrying two fragments
// of the message, as Chrome sends a large ClientHello. The second record gets sequence number
// `second_seq`.
std::vector<std::uint8_t> split_handshake_record(std::span<const std::uint8_t> datagram,
                                                 std::size_t at, std::uint8_t second_seq) {
  constexpr std::size_t kRecordHeader = 13;
  constexpr std::size_t kHandshakeHeader = 12;
  const std::size_t body = datagram.size() - kRecordHeader - kHandshakeHeader;
  const auto head = datagram.first(kRecordHeader + kHandshakeHeader);
  const auto fragment = datagram.subspan(kRecordHeader + kHandshakeHeader);
  auto record = [&](std::size_t offset, std::size_t length, std::uint8_t seq) {
    std::vector<std::uint8_t> r(head.begin(), head.end());
    r[10] = seq;
    r[11] = static_cast<std::uint8_t>((kHandshakeHeader + length) >> 8);
    r[12] = static_cast<std::uint8_t>(kHandshakeHeader + length);
    for (int i = 0; i < 3; ++i) {
      r[kRecordHeader + 6 + i] = static_cast<std::uint8_t>(offset >> (16 - 8 * i));
      r[kRecordHeader + 9 + i] = static_cast<std::uint8_t>(length >> (16 - 8 * i));
    }
    r.insert(r.end(), fragment.begin() + offset, fragment.begin() + offset + length);
    return r;
  };
  auto out = record(0, at, datagram[10]);
  const auto second = record(at, body - at, second_seq);
  out.insert(out.end(), second.begin(), second.end());
  return out;
}

TEST(DtlsTransport, AClientHelloInTwoRecordsOfOneDatagramIsRead) {
  Pair pair;
  pair.exchange_fingerprints();
  pair.start();
  ASSERT_EQ(pair.client.outbox.size(), 1u);
  const std::vector<std::uint8_t> hello = pair.client.outbox.front();
  ASSERT_EQ(hello[0], 22);
  ASSERT_EQ(hello[13], 1);  // ClientHello
  pair.client.outbox.clear();
  // Sequence 40 for the second fragment: above the client's next records, inside the
  // 64-record replay window, so they are not mistaken for replays.
  pair.server.transport->receive(split_handshake_record(hello, 60, 40));
  EXPECT_FALSE(pair.server.outbox.empty());  // the server answered
  pair.pump();
  EXPECT_EQ(pair.client.transport->state(), State::Connected);
  EXPECT_EQ(pair.server.transport->state(), State::Connected);
  expect_matching_keys(pair, SrtpProfile::AeadAes128Gcm);
}

TEST(DtlsTransport, AWholeFlightInOneDatagramIsRead) {
  DtlsContext::Options small;
  small.mtu = 300;
  Pair pair(small, small);
  pair.exchange_fingerprints();
  pair.start();
  for (int round = 0; round < 10; ++round) {
    for (auto [from, to] : {std::pair{&pair.client, &pair.server}, {&pair.server, &pair.client}}) {
      std::vector<std::uint8_t> glued;
      for (const auto& d : from->outbox) glued.insert(glued.end(), d.begin(), d.end());
      from->outbox.clear();
      if (!glued.empty()) to->transport->receive(glued);
    }
  }
  EXPECT_EQ(pair.client.transport->state(), State::Connected);
  EXPECT_EQ(pair.server.transport->state(), State::Connected);
  expect_matching_keys(pair, SrtpProfile::AeadAes128Gcm);
}

TEST(DtlsTransport, CloseNotifyReachesThePeer) {
  Pair pair;
  pair.connect();
  ASSERT_EQ(pair.server.transport->state(), State::Connected);
  pair.client.transport->close();
  EXPECT_EQ(pair.client.transport->state(), State::Closed);
  pair.pump();
  EXPECT_EQ(pair.server.transport->state(), State::Closed);
  EXPECT_EQ(pair.server.closed, 1);
  EXPECT_EQ(pair.client.closed, 0);  // a local close reports nothing
  EXPECT_TRUE(pair.server.failures.empty());
  // A closed transport ignores what still arrives.
  pair.server.transport->receive(std::vector<std::uint8_t>{22, 254, 253, 0, 0});
  EXPECT_EQ(pair.server.transport->state(), State::Closed);
}

std::vector<std::uint8_t> random_bytes(std::mt19937& rng, std::size_t max_len) {
  std::uniform_int_distribution<std::size_t> len(0, max_len);
  std::uniform_int_distribution<int> byte(0, 255);
  std::vector<std::uint8_t> out(len(rng));
  for (auto& b : out) b = static_cast<std::uint8_t>(byte(rng));
  return out;
}

TEST(DtlsTransport, GarbageBeforeTheHandshakeNeverCrashes) {
  std::mt19937 rng(1234);
  test::Endpoint server(DtlsRole::Server);
  for (int i = 0; i < 300; ++i) {
    // A fresh transport each time, on the same context.
    server.keys.reset();
    server.transport =
        std::make_unique<DtlsTransport>(server.context, DtlsRole::Server, server.callbacks());
    server.transport->start();
    auto datagram = random_bytes(rng, 1500);
    // Half of them look like DTLS 1.2 handshake records, to get past the record header.
    if (i % 2 == 0 && datagram.size() >= 13) {
      datagram[0] = 22;
      datagram[1] = 254;
      datagram[2] = 253;
      datagram[3] = datagram[4] = 0;
      const std::size_t body = datagram.size() - 13;
      datagram[11] = static_cast<std::uint8_t>(body >> 8);
      datagram[12] = static_cast<std::uint8_t>(body);
    }
    server.transport->receive(datagram);
    const State state = server.transport->state();
    EXPECT_TRUE(state == State::Connecting || state == State::Failed);
    EXPECT_FALSE(server.keys.has_value());
  }
  // Edge cases: empty, one byte, a header claiming more than there is.
  server.transport =
      std::make_unique<DtlsTransport>(server.context, DtlsRole::Server, server.callbacks());
  server.transport->receive({});
  server.transport->receive(std::vector<std::uint8_t>{22});
  server.transport->receive(
      std::vector<std::uint8_t>{22, 254, 253, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 1});
  EXPECT_NE(server.transport->state(), State::Connected);
}

TEST(DtlsTransport, GarbageAfterTheHandshakeIsDiscarded) {
  Pair pair;
  pair.connect();
  std::mt19937 rng(99);
  for (int i = 0; i < 300; ++i) {
    auto datagram = random_bytes(rng, 600);
    if (i % 2 == 0 && datagram.size() >= 13) {
      // An application-data record of epoch 1 with a bad MAC: DTLS drops it silently.
      datagram[0] = 23;
      datagram[1] = 254;
      datagram[2] = 253;
      datagram[3] = 0;
      datagram[4] = 1;
    }
    pair.server.transport->receive(datagram);
    pair.client.transport->receive(datagram);
  }
  EXPECT_EQ(pair.server.transport->state(), State::Connected);
  EXPECT_EQ(pair.client.transport->state(), State::Connected);
  // And the association still works: close_notify gets through.
  pair.client.outbox.clear();
  pair.server.outbox.clear();
  pair.client.transport->close();
  pair.pump();
  EXPECT_EQ(pair.server.closed, 1);
}

TEST(DtlsTransport, AClientIgnoresDatagramsBeforeStart) {
  test::Endpoint client(DtlsRole::Client);
  client.transport->receive(std::vector<std::uint8_t>{22, 254, 253});
  EXPECT_EQ(client.transport->state(), State::New);
  EXPECT_TRUE(client.outbox.empty());
  EXPECT_FALSE(client.transport->timeout().has_value());
}

}  // namespace
}  // namespace confab::sfu
