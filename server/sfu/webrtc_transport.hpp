#pragma once
// One client transport: ICE-lite, then DTLS over the selected address, then SRTP both ways.
// Knows nothing of producers and consumers; the Forwarder routes what it decrypts.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "sfu/datagram_sender.hpp"
#include "sfu/dtls_transport.hpp"
#include "sfu/ice_lite.hpp"
#include "sfu/sfu_counters.hpp"
#include "sfu/srtp_session.hpp"

namespace confab::sfu {

class WebRtcTransport {
 public:
  using Clock = std::chrono::steady_clock;
  struct Hooks {
    // DTLS failed, the peer closed it, or ICE consent expired: the owner closes the transport.
    std::function<void(std::string_view reason)> dead;
  };

  WebRtcTransport(std::string id, std::string ufrag, std::string pwd, DtlsContext& dtls,
                  DatagramSender& sender, SfuCounters& counters, Hooks hooks,
                  Clock::time_point now);
  WebRtcTransport(const WebRtcTransport&) = delete;
  WebRtcTransport& operator=(const WebRtcTransport&) = delete;

  const std::string& id() const { return id_; }
  IceLite& ice() { return ice_; }
  const IceLite& ice() const { return ice_; }
  bool connected() const { return srtp_in_.has_value() && srtp_out_.has_value(); }

  // The client's certificate fingerprint from signaling; the handshake may now complete.
  void set_remote_fingerprint(std::string_view algorithm, std::string_view value);

  // A Binding request for our ufrag; answered from the socket the request came in on.
  // Returns true when the selected address changed.
  bool receive_stun(const StunMessage& request, const TransportAddress& from,
                    Clock::time_point now);
  void receive_dtls(std::span<const std::uint8_t> datagram, const TransportAddress& from);
  // Decrypts in place; the new length, or nothing when the packet must be dropped (counted).
  std::optional<std::size_t> unprotect_rtp(std::span<std::uint8_t> packet);
  std::optional<std::size_t> unprotect_rtcp(std::span<std::uint8_t> packet);

  // Encrypts `len` bytes at `buffer` (whose size leaves room for the SRTP trailer) and sends
  // them to the selected address.
  bool send_rtp(std::span<std::uint8_t> buffer, std::size_t len);
  bool send_rtcp(std::span<std::uint8_t> buffer, std::size_t len);

  // DTLS retransmissions and ICE consent.
  void tick(Clock::time_point now);

  // The available bitrate the client reported (REMB), 0 if it did not.
  std::uint32_t receive_bitrate() const { return receive_bitrate_; }
  void set_receive_bitrate(std::uint32_t bps) { receive_bitrate_ = bps; }

  // The round-trip time to the client, from its receiver reports on our sender reports (so
  // known for receive transports only: a publisher receives no SR from us). Nothing yet.
  std::optional<std::chrono::microseconds> rtt() const { return rtt_; }
  void set_rtt(std::chrono::microseconds rtt) { rtt_ = rtt; }

 private:
  void on_dtls_connected(const SrtpKeys& keys);
  void die(std::string_view reason);
  std::optional<TransportAddress> destination() const;

  std::string id_;
  IceLite ice_;
  DatagramSender& sender_;
  SfuCounters& counters_;
  Hooks hooks_;
  std::unique_ptr<DtlsTransport> dtls_;
  bool dtls_started_ = false;
  std::optional<TransportAddress> dtls_peer_;  // where DTLS came from before a nomination
  std::optional<SrtpSession> srtp_in_;
  std::optional<SrtpSession> srtp_out_;
  std::optional<Clock::time_point> dtls_deadline_;
  std::uint32_t receive_bitrate_ = 0;
  std::optional<std::chrono::microseconds> rtt_;
  bool dead_ = false;
};

}  // namespace confab::sfu
