#include "media_peer.hpp"

#include <openssl/rand.h>
#include <sys/socket.h>

#include <array>
#include <chrono>
#include <stdexcept>

#include "sfu/packet_kind.hpp"
#include "sfu/rtcp.hpp"
#include "sfu/stun_message.hpp"
#include "sfu/transport_address.hpp"

namespace confab::bench::sfu {

namespace asio = boost::asio;
using udp = asio::ip::udp;
namespace csfu = confab::sfu;

namespace {
constexpr std::size_t kBatch = 32;
constexpr std::size_t kSlot = 2048;

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

MediaPeer::MediaPeer(asio::io_context& io, csfu::DtlsContext& dtls, const asio::ip::address& local,
                     MediaPeerHandler& handler)
    : socket_(io, udp::endpoint(local, 0)),
      handler_(handler),
      dtls_context_(dtls),
      buffers_(kBatch * kSlot),
      rtcp_out_(1500 + csfu::kSrtpMaxTrailer) {
  socket_.non_blocking(true);
  // A subscriber of 50 rooms' worth of audio gets bursts: a deep queue keeps the generator's
  // scheduling hiccups from showing up as the SFU's loss. SO_RCVBUFFORCE needs root; else the
  // ordinary option, capped by net.core.rmem_max.
  int size = 4 * 1024 * 1024;
  if (::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0) {
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  }
  wait_readable();
}

MediaPeer::~MediaPeer() {
  closing_ = true;
}

void MediaPeer::set_remote(const udp::endpoint& server, IceCredentials ice,
                           std::string server_fingerprint) {
  server_ = server;
  ice_ = std::move(ice);
  server_fingerprint_ = std::move(server_fingerprint);
}

void MediaPeer::check() {
  std::array<std::uint8_t, 12> transaction{};
  RAND_bytes(transaction.data(), static_cast<int>(transaction.size()));
  csfu::StunWriter writer(csfu::kStunBindingRequest, transaction);
  const auto request = writer.username(ice_.ufrag + ":" + kUfrag)
                           .priority(0x6e7f1eff)
                           .ice_controlling(0x1122334455667788ULL)
                           .use_candidate()
                           .finish_view(ice_.pwd, true);
  send_datagram(request);
}

void MediaPeer::tick() {
  if (dtls_ && dtls_->timeout() && dtls_->timeout()->count() == 0) dtls_->handle_timeout();
}

void MediaPeer::wait_readable() {
  socket_.async_wait(udp::socket::wait_read, [this](const boost::system::error_code& ec) {
    if (ec || closing_) return;
    drain();
    wait_readable();
  });
}

void MediaPeer::drain() {
  std::array<mmsghdr, kBatch> headers{};
  std::array<iovec, kBatch> iov{};
  for (;;) {
    for (std::size_t i = 0; i < kBatch; ++i) {
      iov[i] = {buffers_.data() + i * kSlot, kSlot};
      headers[i] = {};
      headers[i].msg_hdr.msg_iov = &iov[i];
      headers[i].msg_hdr.msg_iovlen = 1;
    }
    const int n =
        ::recvmmsg(socket_.native_handle(), headers.data(), kBatch, MSG_DONTWAIT, nullptr);
    if (n <= 0) return;
    const std::int64_t now = steady_ns();
    datagrams_in_ += static_cast<std::uint64_t>(n);
    for (int i = 0; i < n; ++i) {
      receive(std::span(buffers_.data() + static_cast<std::size_t>(i) * kSlot, headers[i].msg_len),
              now);
    }
    if (static_cast<std::size_t>(n) < kBatch) return;
  }
}

void MediaPeer::receive(std::span<std::uint8_t> datagram, std::int64_t now_ns) {
  switch (csfu::classify(datagram)) {
    case csfu::PacketKind::Stun: {
      const auto message = csfu::StunMessage::parse(datagram);
      if (message && message->is_binding_request() && server_.address().is_v4()) {
        // A full ICE agent (Janus's libnice) checks the pair from its side too: answer it.
        std::array<std::uint8_t, 12> transaction{};
        std::copy(message->transaction_id().begin(), message->transaction_id().end(),
                  transaction.begin());
        const auto mapped =
            csfu::TransportAddress::v4_from(server_.address().to_v4().to_bytes(), server_.port());
        csfu::StunWriter writer(csfu::kStunBindingSuccess, transaction);
        send_datagram(writer.xor_mapped_address(mapped).finish_view(kPwd, true));
        break;
      }
      if (message && message->is_binding_success() && message->check_message_integrity(ice_.pwd) &&
          message->check_fingerprint() && !dtls_started_) {
        dtls_started_ = true;
        csfu::DtlsTransport::Callbacks callbacks;
        callbacks.send = [this](std::span<const std::uint8_t> d) { send_datagram(d); };
        callbacks.connected = [this](const csfu::SrtpKeys& keys) {
          srtp_in_ = csfu::SrtpSession::create(keys.profile, csfu::SrtpSession::Direction::Inbound,
                                               keys.remote_master);
          srtp_out_ = csfu::SrtpSession::create(
              keys.profile, csfu::SrtpSession::Direction::Outbound, keys.local_master);
        };
        callbacks.failed = [this](std::string_view) { failed_ = true; };
        callbacks.closed = [this] { failed_ = true; };
        dtls_ = std::make_unique<csfu::DtlsTransport>(dtls_context_, csfu::DtlsRole::Client,
                                                      std::move(callbacks));
        dtls_->set_remote_fingerprint("sha-256", server_fingerprint_);
        dtls_->start();
      }
      break;
    }
    case csfu::PacketKind::Dtls:
      if (dtls_) dtls_->receive(datagram);
      break;
    case csfu::PacketKind::Rtp: {
      if (!srtp_in_) break;
      std::size_t len = datagram.size();
      if (srtp_in_->unprotect_rtp(datagram.data(), len) != csfu::SrtpSession::Result::Ok) break;
      if (const auto packet = csfu::RtpPacket::parse(datagram.first(len))) {
        handler_.on_rtp(*packet, now_ns);
      }
      break;
    }
    case csfu::PacketKind::Rtcp: {
      if (!srtp_in_) break;
      std::size_t len = datagram.size();
      if (srtp_in_->unprotect_rtcp(datagram.data(), len) != csfu::SrtpSession::Result::Ok) break;
      receive_rtcp(datagram.first(len));
      break;
    }
    case csfu::PacketKind::Unknown:
      break;
  }
}

void MediaPeer::receive_rtcp(std::span<const std::uint8_t> data) {
  const auto compound = csfu::RtcpCompound::parse(data);
  if (!compound) return;
  for (const csfu::RtcpPacket packet : *compound) {
    if (packet.is_pli() || packet.is_fir()) {
      handler_.on_keyframe_request(packet.media_ssrc());
    } else if (packet.is_nack()) {
      const std::uint32_t ssrc = packet.media_ssrc();
      packet.for_each_nacked([&](std::uint16_t seq) { handler_.on_nack(ssrc, seq); });
    }
  }
}

void MediaPeer::send_rtp(std::span<std::uint8_t> buffer, std::size_t len) {
  if (!srtp_out_) return;
  if (srtp_out_->protect_rtp(buffer.data(), len, buffer.size()) != csfu::SrtpSession::Result::Ok) {
    ++send_errors_;
    return;
  }
  send_datagram(buffer.first(len));
}

void MediaPeer::send_rtcp(std::span<const std::uint8_t> packet) {
  if (!srtp_out_ || packet.size() + csfu::kSrtpMaxTrailer > rtcp_out_.size()) return;
  std::copy(packet.begin(), packet.end(), rtcp_out_.begin());
  std::size_t len = packet.size();
  if (srtp_out_->protect_rtcp(rtcp_out_.data(), len, rtcp_out_.size()) !=
      csfu::SrtpSession::Result::Ok) {
    return;
  }
  send_datagram(std::span(rtcp_out_).first(len));
}

void MediaPeer::send_datagram(std::span<const std::uint8_t> datagram) {
  if (server_.port() == 0) return;
  const auto sent = ::sendto(socket_.native_handle(), datagram.data(), datagram.size(),
                             MSG_DONTWAIT, server_.data(), server_.size());
  if (sent < 0) ++send_errors_;
}

}  // namespace confab::bench::sfu
