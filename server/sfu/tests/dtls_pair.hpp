#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "sfu/dtls_certificate.hpp"
#include "sfu/dtls_context.hpp"
#include "sfu/dtls_transport.hpp"

namespace confab::sfu::test {

// One side of an in-memory DTLS association: its own certificate and context, what its
// transport sent and what the callbacks reported.
struct Endpoint {
  Endpoint(DtlsRole role, DtlsContext::Options options = {})
      : certificate(DtlsCertificate::generate()),
        context(certificate, std::move(options)),
        transport(std::make_unique<DtlsTransport>(context, role, callbacks())) {}

  DtlsTransport::Callbacks callbacks() {
    return {
        .send =
            [this](std::span<const std::uint8_t> d) { outbox.emplace_back(d.begin(), d.end()); },
        .connected = [this](const SrtpKeys& k) { keys = k; },
        .failed = [this](std::string_view reason) { failures.emplace_back(reason); },
        .closed = [this] { ++closed; },
        .application_data = nullptr,
    };
  }

  DtlsCertificate certificate;
  DtlsContext context;
  std::deque<std::vector<std::uint8_t>> outbox;
  std::vector<std::vector<std::uint8_t>> sent_log;
  std::optional<SrtpKeys> keys;
  std::vector<std::string> failures;
  int closed = 0;
  std::unique_ptr<DtlsTransport> transport;
};

// Decides per datagram whether the network delivers it (from_client, index among that
// side's datagrams, the datagram).
using DeliveryFilter =
    std::function<bool(bool from_client, std::size_t index, std::span<const std::uint8_t>)>;

// Whether a datagram holds a DTLS record of this content type (20 = ChangeCipherSpec).
inline bool has_record_type(std::span<const std::uint8_t> datagram, std::uint8_t type) {
  std::size_t offset = 0;
  while (offset + 13 <= datagram.size()) {
    if (datagram[offset] == type) return true;
    offset += 13 + (std::size_t{datagram[offset + 11]} << 8 | datagram[offset + 12]);
  }
  return false;
}

struct Pair {
  explicit Pair(DtlsContext::Options server_options = {}, DtlsContext::Options client_options = {})
      : server(DtlsRole::Server, std::move(server_options)),
        client(DtlsRole::Client, std::move(client_options)) {}

  void exchange_fingerprints() {
    server.transport->set_remote_fingerprint("sha-256", client.certificate.fingerprint_sha256());
    client.transport->set_remote_fingerprint("sha-256", server.certificate.fingerprint_sha256());
  }

  // Moves datagrams both ways until neither side has anything to send.
  void pump(const DeliveryFilter& deliver = nullptr) {
    for (int round = 0; round < 1000 && (!client.outbox.empty() || !server.outbox.empty());
         ++round) {
      move(client, server, true, deliver);
      move(server, client, false, deliver);
    }
  }

  void start() {
    server.transport->start();
    client.transport->start();
  }

  // start + pump with fingerprints exchanged: both sides should end up connected.
  void connect() {
    exchange_fingerprints();
    start();
    pump();
  }

  Endpoint server;
  Endpoint client;
  std::size_t from_client = 0;
  std::size_t from_server = 0;

 private:
  void move(Endpoint& from, Endpoint& to, bool is_client, const DeliveryFilter& deliver) {
    while (!from.outbox.empty()) {
      std::vector<std::uint8_t> datagram = std::move(from.outbox.front());
      from.outbox.pop_front();
      from.sent_log.push_back(datagram);
      const std::size_t index = is_client ? from_client++ : from_server++;
      if (!deliver || deliver(is_client, index, datagram)) to.transport->receive(datagram);
    }
  }
};

// Waits (bounded) until the transport's retransmission timer is due; OpenSSL measures real
// time, so the test keeps the timer short instead of sleeping a fixed amount.
inline bool wait_until_timer_due(const DtlsTransport& t,
                                 std::chrono::milliseconds limit = std::chrono::seconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto remaining = t.timeout();
    if (!remaining) return false;
    if (remaining->count() == 0) return true;
    std::this_thread::sleep_for(std::min(*remaining, std::chrono::milliseconds(5)));
  }
  return false;
}

// Short enough to keep the tests quick, long enough that a slow handshake step on a busy
// machine does not look like a lost flight (OpenSSL counts < 15 ms left as expired).
inline DtlsContext::Options fast_timers(
    std::chrono::milliseconds initial = std::chrono::milliseconds(50),
    std::chrono::milliseconds max = std::chrono::milliseconds(100)) {
  DtlsContext::Options options;
  options.initial_retransmit = initial;
  options.max_retransmit = max;
  return options;
}

}  // namespace confab::sfu::test
