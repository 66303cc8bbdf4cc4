// Fuzzes a server-role sfu::DtlsTransport with what a peer may send before it is authenticated:
// the DTLS record layer and the handshake parsers of OpenSSL behind our BIO, and the transport's
// own state handling around them.
//
// Input format: byte 0 holds options (bit 0: a remote fingerprint is set first; bit 1:
// handle_timeout() and timeout() run after every datagram; bit 2: the transport is closed
// before the last datagram); the rest is a sequence of datagrams, each [length: 2 bytes, big
// endian][bytes] (a short last one takes what is left). The seeds hold our own client's
// ClientHello, so the fuzzer starts past the record layer.
//
// Invariants:
//  - never connected and never keys (nobody here can finish a handshake);
//  - the state is Connecting or Failed, or Closed after close(); failed() runs at most once and
//    only when the state is Failed; closed() never runs;
//  - every datagram sent is non-empty and at most the MTU; nothing is sent once Failed/Closed;
//  - timeout() is nullopt once Failed/Closed.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "fuzz/fuzz_check.hpp"
#include "sfu/dtls_certificate.hpp"
#include "sfu/dtls_context.hpp"
#include "sfu/dtls_transport.hpp"

namespace {

using confab::sfu::DtlsCertificate;
using confab::sfu::DtlsContext;
using confab::sfu::DtlsRole;
using confab::sfu::DtlsTransport;
using State = DtlsTransport::State;

// Made once: key generation is far slower than one input.
struct Fixture {
  DtlsCertificate server = DtlsCertificate::generate();
  DtlsCertificate peer = DtlsCertificate::generate();
  DtlsContext context{server};
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  Fixture& f = fixture();
  const std::uint8_t options = data[0];
  std::span<const std::uint8_t> rest(data + 1, size - 1);

  int failed = 0;
  bool sending_allowed = true;
  std::optional<DtlsTransport> transport;
  DtlsTransport::Callbacks callbacks{
      .send =
          [&](std::span<const std::uint8_t> d) {
            FUZZ_CHECK(sending_allowed);
            FUZZ_CHECK(!d.empty() && d.size() <= f.context.options().mtu);
          },
      .connected = [](const confab::sfu::SrtpKeys&) { FUZZ_CHECK(false); },
      .failed =
          [&](std::string_view reason) {
            FUZZ_CHECK(!reason.empty());
            FUZZ_CHECK(transport->state() == State::Failed);
            ++failed;
          },
      .closed = [] { FUZZ_CHECK(false); },
      .application_data = [](std::span<const std::uint8_t>) { FUZZ_CHECK(false); },
  };
  transport.emplace(f.context, DtlsRole::Server, std::move(callbacks));
  if (options & 1) transport->set_remote_fingerprint("sha-256", f.peer.fingerprint_sha256());
  transport->start();

  bool closed = false;
  while (!rest.empty()) {
    std::size_t len = rest.size() >= 2 ? (std::size_t{rest[0]} << 8 | rest[1]) : rest.size();
    rest = rest.subspan(std::min<std::size_t>(2, rest.size()));
    len = std::min(len, rest.size());
    const auto datagram = rest.first(len);
    rest = rest.subspan(len);
    if ((options & 4) && rest.empty()) {
      transport->close();
      closed = true;
    }
    const State before = transport->state();
    if (before == State::Failed || before == State::Closed) sending_allowed = false;
    transport->receive(datagram);
    if (options & 2) {
      (void)transport->timeout();
      transport->handle_timeout();
    }
    const State state = transport->state();
    FUZZ_CHECK(state == State::Connecting || state == State::Failed ||
               (closed && state == State::Closed));
    FUZZ_CHECK(failed == (state == State::Failed ? 1 : 0));
    if (state == State::Failed || state == State::Closed) {
      FUZZ_CHECK(!transport->timeout().has_value());
    }
  }
  return 0;
}
