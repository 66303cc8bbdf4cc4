#pragma once
// One WebRTC transport in the client role (ICE controlling towards the SFU's ICE-lite, DTLS
// client, SRTP) on its own UDP socket, built on the SFU's own packet and crypto code. Unlike
// sfu::testing::TestPeer it keeps nothing per packet: what it receives goes to a handler, and
// reading drains the socket with recvmmsg, so a benchmark can run a hundred of them in one thread.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sfu/dtls_context.hpp"
#include "sfu/dtls_transport.hpp"
#include "sfu/rtp_packet.hpp"
#include "sfu/srtp_session.hpp"

namespace confab::bench::sfu {

class MediaPeerHandler {
 public:
  virtual ~MediaPeerHandler() = default;
  // A decrypted RTP packet; `now_ns`: steady clock when its batch was read.
  virtual void on_rtp(const confab::sfu::RtpPacket& packet, std::int64_t now_ns) = 0;
  virtual void on_keyframe_request(std::uint32_t media_ssrc) = 0;
  virtual void on_nack(std::uint32_t media_ssrc, std::uint16_t sequence) = 0;
};

struct IceCredentials {
  std::string ufrag;
  std::string pwd;
};

class MediaPeer {
 public:
  // Binds a socket on `local` (port 0: any); nothing is sent before set_remote().
  MediaPeer(boost::asio::io_context& io, confab::sfu::DtlsContext& dtls,
            const boost::asio::ip::address& local, MediaPeerHandler& handler);
  void set_remote(const boost::asio::ip::udp::endpoint& server, IceCredentials ice,
                  std::string server_fingerprint);
  std::uint16_t local_port() const { return socket_.local_endpoint().port(); }
  // Our ICE username fragment and password, for an SDP.
  static constexpr const char* kUfrag = "bench";
  static constexpr const char* kPwd = "benchbenchbenchbenchbench";
  ~MediaPeer();
  MediaPeer(const MediaPeer&) = delete;
  MediaPeer& operator=(const MediaPeer&) = delete;

  // A nominating Binding request; again every few seconds as a consent refresh.
  void check();
  // DTLS retransmission timer.
  void tick();
  bool connected() const { return srtp_out_.has_value(); }
  bool failed() const { return failed_; }

  // Protects `len` bytes of RTP in place (`buffer` has room for the SRTP trailer) and sends.
  void send_rtp(std::span<std::uint8_t> buffer, std::size_t len);
  void send_rtcp(std::span<const std::uint8_t> packet);

  std::uint64_t send_errors() const { return send_errors_; }
  std::uint64_t datagrams_in() const { return datagrams_in_; }

 private:
  void wait_readable();
  void drain();
  void receive(std::span<std::uint8_t> datagram, std::int64_t now_ns);
  void receive_rtcp(std::span<const std::uint8_t> packet);
  void send_datagram(std::span<const std::uint8_t> datagram);

  boost::asio::ip::udp::socket socket_;
  boost::asio::ip::udp::endpoint server_;
  IceCredentials ice_;
  std::string server_fingerprint_;
  MediaPeerHandler& handler_;
  confab::sfu::DtlsContext& dtls_context_;
  std::unique_ptr<confab::sfu::DtlsTransport> dtls_;
  std::optional<confab::sfu::SrtpSession> srtp_in_;
  std::optional<confab::sfu::SrtpSession> srtp_out_;
  bool dtls_started_ = false;
  bool failed_ = false;
  bool closing_ = false;
  std::uint64_t send_errors_ = 0;
  std::uint64_t datagrams_in_ = 0;
  std::vector<std::uint8_t> buffers_;  // recvmmsg batch
  std::vector<std::uint8_t> rtcp_out_;
};

}  // namespace confab::bench::sfu
