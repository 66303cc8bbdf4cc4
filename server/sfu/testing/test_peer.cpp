#include "sfu/testing/test_peer.hpp"

#include <openssl/rand.h>

#include <stdexcept>

#include "sfu/byte_io.hpp"
#include "sfu/packet_kind.hpp"
#include "sfu/rtcp.hpp"
#include "sfu/rtp_packet.hpp"
#include "sfu/stun_message.hpp"

namespace confab::sfu::testing {

TestPeer::TestPeer(const TransportAddress& self, const TransportAddress& server,
                   meeting::IceParameters ice, std::string server_fingerprint, Send send)
    : self_(self),
      server_(server),
      ice_(std::move(ice)),
      server_fingerprint_(std::move(server_fingerprint)),
      ufrag_("peer"),
      send_(std::move(send)),
      certificate_(DtlsCertificate::generate()),
      context_(std::make_unique<DtlsContext>(certificate_)) {}

TestPeer::~TestPeer() = default;

const std::string& TestPeer::fingerprint() const {
  return certificate_.fingerprint_sha256();
}

void TestPeer::check(Clock::time_point) {
  std::array<std::uint8_t, 12> transaction{};
  RAND_bytes(transaction.data(), static_cast<int>(transaction.size()));
  const auto request = StunWriter(kStunBindingRequest, transaction)
                           .username(ice_.ufrag + ":" + ufrag_)
                           .priority(0x6e7f1eff)
                           .ice_controlling(0x1122334455667788ULL)
                           .use_candidate()
                           .finish(ice_.pwd, true);
  send_(request, server_);
}

void TestPeer::start_dtls() {
  DtlsTransport::Callbacks callbacks;
  callbacks.send = [this](std::span<const std::uint8_t> datagram) { send_(datagram, server_); };
  callbacks.connected = [this](const SrtpKeys& keys) {
    srtp_in_ =
        SrtpSession::create(keys.profile, SrtpSession::Direction::Inbound, keys.remote_master);
    srtp_out_ =
        SrtpSession::create(keys.profile, SrtpSession::Direction::Outbound, keys.local_master);
  };
  callbacks.failed = [this](std::string_view) { failed_ = true; };
  callbacks.closed = [this] { failed_ = true; };
  dtls_ = std::make_unique<DtlsTransport>(*context_, DtlsRole::Client, std::move(callbacks));
  dtls_->set_remote_fingerprint("sha-256", server_fingerprint_);
  dtls_->start();
}

void TestPeer::receive(std::span<const std::uint8_t> datagram) {
  switch (classify(datagram)) {
    case PacketKind::Stun: {
      const auto message = StunMessage::parse(datagram);
      if (message && message->is_binding_success() && message->check_message_integrity(ice_.pwd) &&
          message->check_fingerprint()) {
        ice_done_ = true;
        if (!dtls_started_) {
          dtls_started_ = true;
          start_dtls();
        }
      }
      break;
    }
    case PacketKind::Dtls:
      if (dtls_) dtls_->receive(datagram);
      break;
    case PacketKind::Rtp: {
      if (!srtp_in_) break;
      std::vector<std::uint8_t> copy(datagram.begin(), datagram.end());
      std::size_t len = copy.size();
      if (srtp_in_->unprotect_rtp(copy.data(), len) != SrtpSession::Result::Ok) break;
      const auto packet = RtpPacket::parse(std::span(copy).first(len));
      if (!packet) break;
      const auto payload = packet->payload();
      received_.push_back({packet->ssrc(), packet->sequence(), packet->timestamp(),
                           packet->payload_type(), packet->marker(),
                           std::vector<std::uint8_t>(payload.begin(), payload.end())});
      break;
    }
    case PacketKind::Rtcp: {
      if (!srtp_in_) break;
      std::vector<std::uint8_t> copy(datagram.begin(), datagram.end());
      std::size_t len = copy.size();
      if (srtp_in_->unprotect_rtcp(copy.data(), len) != SrtpSession::Result::Ok) break;
      receive_rtcp(std::span(copy).first(len));
      break;
    }
    case PacketKind::Unknown:
      break;
  }
}

void TestPeer::tick() {
  if (dtls_ && dtls_->timeout() && dtls_->timeout()->count() == 0) dtls_->handle_timeout();
}

void TestPeer::send_rtp(std::uint32_t ssrc, std::uint8_t payload_type, std::uint16_t sequence,
                        std::uint32_t timestamp, std::span<const std::uint8_t> payload, bool marker,
                        bool skip) {
  std::vector<std::uint8_t> packet(12 + payload.size());
  packet[0] = 0x80;
  packet[1] = static_cast<std::uint8_t>((marker ? 0x80 : 0) | (payload_type & 0x7f));
  store_u16(&packet[2], sequence);
  store_u32(&packet[4], timestamp);
  store_u32(&packet[8], ssrc);
  std::copy(payload.begin(), payload.end(), packet.begin() + 12);
  send_packet(std::move(packet), skip);
}

void TestPeer::send_audio(std::uint32_t ssrc, std::uint8_t payload_type, std::uint16_t sequence,
                          std::uint32_t timestamp, std::span<const std::uint8_t> payload,
                          std::uint8_t ext_id, std::uint8_t level) {
  const char value = static_cast<char>(level & 0x7f);
  const RtpExtension extension{ext_id, std::string_view(&value, 1)};
  send_rtp_with_extensions(ssrc, payload_type, sequence, timestamp, payload, {&extension, 1});
}

void TestPeer::send_rtp_with_extensions(std::uint32_t ssrc, std::uint8_t payload_type,
                                        std::uint16_t sequence, std::uint32_t timestamp,
                                        std::span<const std::uint8_t> payload,
                                        std::span<const RtpExtension> extensions) {
  // RFC 8285 one-byte form: 0xBEDE, then [id|len-1][value] elements padded to whole words.
  std::vector<std::uint8_t> elements;
  for (const auto& e : extensions) {
    elements.push_back(static_cast<std::uint8_t>(e.id << 4 | ((e.value.size() - 1) & 0x0f)));
    elements.insert(elements.end(), e.value.begin(), e.value.end());
  }
  elements.resize((elements.size() + 3) / 4 * 4, 0);
  std::vector<std::uint8_t> packet(12 + 4 + elements.size() + payload.size());
  packet[0] = 0x90;  // version 2, extension bit
  packet[1] = static_cast<std::uint8_t>(payload_type & 0x7f);
  store_u16(&packet[2], sequence);
  store_u32(&packet[4], timestamp);
  store_u32(&packet[8], ssrc);
  store_u16(&packet[12], 0xBEDE);
  store_u16(&packet[14], static_cast<std::uint16_t>(elements.size() / 4));
  std::copy(elements.begin(), elements.end(), packet.begin() + 16);
  std::copy(payload.begin(), payload.end(), packet.begin() + 16 + elements.size());
  send_packet(std::move(packet), false);
}

void TestPeer::send_packet(std::vector<std::uint8_t> packet, bool skip) {
  const std::uint32_t ssrc = load_u32(&packet[8]);
  const std::uint16_t sequence = load_u16(&packet[2]);
  sent_[{ssrc, sequence}] = packet;
  if (skip || !srtp_out_) return;
  std::vector<std::uint8_t> wire(packet.size() + kSrtpMaxTrailer);
  std::copy(packet.begin(), packet.end(), wire.begin());
  std::size_t len = packet.size();
  if (srtp_out_->protect_rtp(wire.data(), len, wire.size()) != SrtpSession::Result::Ok) return;
  send_(std::span(wire).first(len), server_);
}

void TestPeer::send_rtcp(std::span<const std::uint8_t> packet) {
  if (!srtp_out_) return;
  std::vector<std::uint8_t> wire(packet.size() + kSrtpMaxTrailer);
  std::copy(packet.begin(), packet.end(), wire.begin());
  std::size_t len = packet.size();
  if (srtp_out_->protect_rtcp(wire.data(), len, wire.size()) != SrtpSession::Result::Ok) return;
  send_(std::span(wire).first(len), server_);
}

}  // namespace confab::sfu::testing

namespace confab::sfu::testing {

void TestPeer::receive_rtcp(std::span<const std::uint8_t> data) {
  const auto compound = RtcpCompound::parse(data);
  if (!compound) return;
  for (const RtcpPacket packet : *compound) {
    if (const auto info = packet.sender_info()) {
      sender_reports_.push_back({packet.ssrc(), *info});
    } else if (packet.is_receiver_report()) {
      for (std::size_t i = 0; i < packet.report_block_count(); ++i) {
        report_blocks_.push_back(packet.report_block(i));
      }
    } else if (packet.is_pli()) {
      ++plis_;
      ++plis_by_ssrc_[packet.media_ssrc()];
    } else if (packet.is_remb()) {
      if (const auto bitrate = packet.remb_bitrate()) remb_ = static_cast<std::uint32_t>(*bitrate);
    } else if (packet.is_nack()) {
      const std::uint32_t ssrc = packet.media_ssrc();
      packet.for_each_nacked([&](std::uint16_t seq) {
        ++nacked_;
        const auto it = sent_.find({ssrc, seq});
        if (it == sent_.end() || !srtp_out_) return;
        std::vector<std::uint8_t> wire(it->second.size() + kSrtpMaxTrailer);
        std::copy(it->second.begin(), it->second.end(), wire.begin());
        std::size_t len = it->second.size();
        if (srtp_out_->protect_rtp(wire.data(), len, wire.size()) != SrtpSession::Result::Ok)
          return;
        ++retransmitted_;
        send_(std::span(wire).first(len), server_);
      });
    }
  }
}

void TestPeer::send_nack(std::uint32_t media_ssrc, std::span<const std::uint16_t> sequences) {
  std::array<std::uint8_t, 256> buffer{};
  RtcpWriter writer(buffer);
  writer.receiver_report(rtcp_ssrc_).nack(rtcp_ssrc_, media_ssrc, sequences);
  send_rtcp(writer.data());
}

void TestPeer::send_pli(std::uint32_t media_ssrc) {
  std::array<std::uint8_t, 64> buffer{};
  RtcpWriter writer(buffer);
  writer.receiver_report(rtcp_ssrc_).pli(rtcp_ssrc_, media_ssrc);
  send_rtcp(writer.data());
}

}  // namespace confab::sfu::testing
