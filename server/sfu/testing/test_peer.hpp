#pragma once
// A synthetic WebRTC client on the SFU's own code in the client role: ICE (controlling, full
// agent towards our ICE-lite), DTLS client, SRTP. Sans-IO: datagrams go out through `Send`
// and come in through receive(), so tests can wire it to a Forwarder in memory or to a UDP
// socket. It publishes RTP it is given, keeps what it sent to answer NACKs, and records what
// it receives (decrypted).
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "meeting/media_router.hpp"
#include "sfu/dtls_certificate.hpp"
#include "sfu/dtls_context.hpp"
#include "sfu/dtls_transport.hpp"
#include "sfu/rtcp.hpp"
#include "sfu/srtp_session.hpp"
#include "sfu/transport_address.hpp"

namespace confab::sfu::testing {

struct ReceivedSenderReport {
  std::uint32_t ssrc;
  SenderInfo info;
};

struct ReceivedRtp {
  std::uint32_t ssrc;
  std::uint16_t sequence;
  std::uint32_t timestamp;
  std::uint8_t payload_type;
  bool marker;
  std::vector<std::uint8_t> payload;
};

class TestPeer {
 public:
  using Clock = std::chrono::steady_clock;
  using Send = std::function<void(std::span<const std::uint8_t>, const TransportAddress& to)>;

  // `server`: the SFU's candidate; `ice`, `server_fingerprint`: its transport's parameters.
  TestPeer(const TransportAddress& self, const TransportAddress& server, meeting::IceParameters ice,
           std::string server_fingerprint, Send send);
  ~TestPeer();

  const TransportAddress& address() const { return self_; }
  // Our certificate's fingerprint, for connect_transport.
  const std::string& fingerprint() const;

  // Sends a nominating Binding request (again on every call: consent refresh).
  void check(Clock::time_point now);
  void receive(std::span<const std::uint8_t> datagram);
  void tick();
  bool ice_done() const { return ice_done_; }
  bool connected() const { return srtp_out_.has_value(); }
  bool failed() const { return failed_; }

  // Publishes one RTP packet (header built here); kept for NACKs. `skip`: recorded as sent
  // but not put on the wire, as if the network lost it.
  void send_rtp(std::uint32_t ssrc, std::uint8_t payload_type, std::uint16_t sequence,
                std::uint32_t timestamp, std::span<const std::uint8_t> payload, bool marker = false,
                bool skip = false);
  // Publishes one audio packet carrying an RFC 6464 audio level (one-byte extension `ext_id`,
  // level in -dBov).
  void send_audio(std::uint32_t ssrc, std::uint8_t payload_type, std::uint16_t sequence,
                  std::uint32_t timestamp, std::span<const std::uint8_t> payload,
                  std::uint8_t ext_id, std::uint8_t level);
  // Publishes one RTP packet with one-byte header extensions (values of 1..16 bytes).
  struct RtpExtension {
    std::uint8_t id;
    std::string_view value;
  };
  void send_rtp_with_extensions(std::uint32_t ssrc, std::uint8_t payload_type,
                                std::uint16_t sequence, std::uint32_t timestamp,
                                std::span<const std::uint8_t> payload,
                                std::span<const RtpExtension> extensions);
  // Sends an RTCP packet as given (plain; protected here).
  void send_rtcp(std::span<const std::uint8_t> packet);
  // Asks the SFU to resend (generic NACK) packets of a stream it sends us.
  void send_nack(std::uint32_t media_ssrc, std::span<const std::uint16_t> sequences);
  void send_pli(std::uint32_t media_ssrc);

  const std::vector<ReceivedRtp>& received() const { return received_; }
  std::size_t plis_received() const { return plis_; }
  std::size_t plis_received(std::uint32_t media_ssrc) const {
    const auto it = plis_by_ssrc_.find(media_ssrc);
    return it == plis_by_ssrc_.end() ? 0 : it->second;
  }
  std::size_t nacked_received() const { return nacked_; }  // sequence numbers asked for
  std::size_t retransmitted() const { return retransmitted_; }
  std::optional<std::uint32_t> last_remb() const { return remb_; }
  const std::vector<ReceivedSenderReport>& sender_reports() const { return sender_reports_; }
  // Report blocks of the receiver reports the SFU sent us.
  const std::vector<ReportBlock>& report_blocks() const { return report_blocks_; }

 private:
  void start_dtls();
  void send_packet(std::vector<std::uint8_t> packet, bool skip);
  void receive_rtcp(std::span<const std::uint8_t> packet);

  TransportAddress self_;
  TransportAddress server_;
  meeting::IceParameters ice_;
  std::string server_fingerprint_;
  std::string ufrag_;
  Send send_;
  DtlsCertificate certificate_;
  std::unique_ptr<DtlsContext> context_;
  std::unique_ptr<DtlsTransport> dtls_;
  bool ice_done_ = false;
  bool dtls_started_ = false;
  bool failed_ = false;
  std::optional<SrtpSession> srtp_in_;
  std::optional<SrtpSession> srtp_out_;
  std::uint32_t rtcp_ssrc_ = 0x0badcafe;
  std::map<std::pair<std::uint32_t, std::uint16_t>, std::vector<std::uint8_t>> sent_;
  std::vector<ReceivedRtp> received_;
  std::size_t plis_ = 0;
  std::map<std::uint32_t, std::size_t> plis_by_ssrc_;
  std::size_t nacked_ = 0;
  std::size_t retransmitted_ = 0;
  std::optional<std::uint32_t> remb_;
  std::vector<ReceivedSenderReport> sender_reports_;
  std::vector<ReportBlock> report_blocks_;
};

}  // namespace confab::sfu::testing
