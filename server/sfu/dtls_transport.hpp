#pragma once

#include <openssl/ssl.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sfu/srtp_profile.hpp"

namespace confab::sfu {

class DtlsContext;
struct DtlsBio;

enum class DtlsRole { Server, Client };

// What DTLS-SRTP hands to the SRTP layer (RFC 5764 4.2), split by our role.
struct SrtpKeys {
  SrtpProfile profile;
  std::vector<std::uint8_t> local_master;   // key || salt we encrypt with (Outbound session)
  std::vector<std::uint8_t> remote_master;  // key || salt the peer encrypts with (Inbound)
};

// One DTLS 1.2 association. The caller moves the datagrams (receive() in, Callbacks::send
// out) and drives the retransmission timer (timeout() / handle_timeout()); nothing here does
// I/O, takes locks or reads a clock beyond OpenSSL's own timer.
//
// Callbacks run synchronously inside start/receive/handle_timeout/close/
// set_remote_fingerprint; they may call back into the transport but must not destroy it
// (post the destruction instead). Not thread-safe: a transport belongs to one worker.
class DtlsTransport {
 public:
  enum class State { New, Connecting, Connected, Failed, Closed };

  struct Callbacks {
    // Each call is one datagram to send (one DTLS record, at most the context's MTU).
    std::function<void(std::span<const std::uint8_t>)> send;
    // Handshake done, SRTP profile negotiated, peer fingerprint matched.
    std::function<void(const SrtpKeys&)> connected;
    // Handshake error, fatal alert, fingerprint mismatch or missing, timeout.
    std::function<void(std::string_view reason)> failed;
    // The peer sent close_notify.
    std::function<void()> closed;
    // Optional: application data records once connected (SCTP for data channels, later).
    std::function<void(std::span<const std::uint8_t>)> application_data;
  };

  // Throws std::runtime_error if OpenSSL cannot make the SSL object.
  DtlsTransport(DtlsContext& ctx, DtlsRole role, Callbacks cb);
  DtlsTransport(const DtlsTransport&) = delete;
  DtlsTransport& operator=(const DtlsTransport&) = delete;
  ~DtlsTransport();

  // The peer's certificate fingerprint from signaling (algorithm "sha-256", also "sha-1",
  // "sha-224", "sha-384", "sha-512"; value "AB:CD:...", any case). If the handshake finished
  // before this is called, the check (and connected/failed) happens here. Returns false for an
  // unknown algorithm or malformed value; the transport then fails when the handshake ends.
  bool set_remote_fingerprint(std::string_view algorithm, std::string_view value);

  // Client: sends the ClientHello. Server: waits for one (receive() also starts a server).
  void start();
  // A datagram from the peer (one or more DTLS records). Anything malformed is dropped or
  // fails the association; it never crashes.
  void receive(std::span<const std::uint8_t> datagram);
  // Time until handle_timeout() should run (0 when already due); nullopt when no
  // retransmission is pending.
  std::optional<std::chrono::milliseconds> timeout() const;
  // Retransmits the last flight if its timer expired; after 12 retransmissions fails.
  void handle_timeout();
  // Sends close_notify if connected; no callback follows.
  void close();

  State state() const { return state_; }
  DtlsRole role() const { return role_; }

 private:
  friend struct DtlsBio;
  struct SslFree {
    void operator()(SSL* ssl) const noexcept { SSL_free(ssl); }
  };
  struct RemoteFingerprint {
    const EVP_MD* md = nullptr;
    std::vector<std::uint8_t> digest;
  };

  void advance();
  void read_records();
  void handshake_finished();
  void verify_and_connect();
  void fail(std::string_view reason);
  std::string describe_error(int ret, std::string_view during);

  DtlsContext& ctx_;
  DtlsRole role_;
  Callbacks cb_;
  std::unique_ptr<SSL, SslFree> ssl_;
  State state_ = State::New;
  bool handshake_done_ = false;
  bool fingerprint_invalid_ = false;
  std::optional<RemoteFingerprint> remote_fingerprint_;
  // The datagram being fed to OpenSSL during receive(); empty otherwise.
  std::span<const std::uint8_t> incoming_;
  // The last alert the peer sent (a static OpenSSL string), for the failure reason.
  const char* peer_alert_ = nullptr;
};

const char* to_string(DtlsTransport::State state);

}  // namespace confab::sfu
