#include "sfu/webrtc_transport.hpp"

namespace confab::sfu {

WebRtcTransport::WebRtcTransport(std::string id, std::string ufrag, std::string pwd,
                                 DtlsContext& dtls, DatagramSender& sender, SfuCounters& counters,
                                 Hooks hooks, Clock::time_point now)
    : id_(std::move(id)),
      ice_(std::move(ufrag), std::move(pwd), now),
      sender_(sender),
      counters_(counters),
      hooks_(std::move(hooks)) {
  DtlsTransport::Callbacks callbacks;
  callbacks.send = [this](std::span<const std::uint8_t> datagram) {
    const auto to = destination();
    if (!to || !sender_.send(datagram, *to)) counters_.drop(DropReason::send_failed);
  };
  callbacks.connected = [this](const SrtpKeys& keys) { on_dtls_connected(keys); };
  callbacks.failed = [this](std::string_view reason) {
    counters_.add(counters_.dtls_failures);
    die(reason);
  };
  callbacks.closed = [this] { die("DTLS closed by the client"); };
  dtls_ = std::make_unique<DtlsTransport>(dtls, DtlsRole::Server, std::move(callbacks));
}

void WebRtcTransport::set_remote_fingerprint(std::string_view algorithm, std::string_view value) {
  dtls_->set_remote_fingerprint(algorithm, value);
}

bool WebRtcTransport::receive_stun(const StunMessage& request, const TransportAddress& from,
                                   Clock::time_point now) {
  const auto outcome = ice_.handle_request(request, from, now);
  if (outcome.response.empty()) {
    counters_.drop(DropReason::bad_stun);
    return false;
  }
  if (!sender_.send(outcome.response, from)) counters_.drop(DropReason::send_failed);
  return outcome.selected_changed;
}

void WebRtcTransport::receive_dtls(std::span<const std::uint8_t> datagram,
                                   const TransportAddress& from) {
  if (!ice_.selected()) dtls_peer_ = from;
  if (!dtls_started_) {
    dtls_->start();
    dtls_started_ = true;
  }
  dtls_->receive(datagram);
  if (const auto t = dtls_->timeout()) dtls_deadline_ = Clock::now() + *t;
}

std::optional<TransportAddress> WebRtcTransport::destination() const {
  if (ice_.selected()) return ice_.selected();
  return dtls_peer_;
}

void WebRtcTransport::on_dtls_connected(const SrtpKeys& keys) {
  srtp_in_ = SrtpSession::create(keys.profile, SrtpSession::Direction::Inbound, keys.remote_master);
  srtp_out_ =
      SrtpSession::create(keys.profile, SrtpSession::Direction::Outbound, keys.local_master);
  if (!connected()) {
    counters_.add(counters_.dtls_failures);
    die("SRTP could not be set up with the negotiated profile");
  }
}

namespace {
std::optional<std::size_t> accept(SrtpSession::Result result, std::size_t len,
                                  SfuCounters& counters) {
  switch (result) {
    case SrtpSession::Result::Ok:
      return len;
    case SrtpSession::Result::AuthFail:
      counters.drop(DropReason::srtp_auth);
      return std::nullopt;
    case SrtpSession::Result::ReplayFail:
      counters.drop(DropReason::srtp_replay);
      return std::nullopt;
    default:
      counters.drop(DropReason::malformed);
      return std::nullopt;
  }
}
}  // namespace

std::optional<std::size_t> WebRtcTransport::unprotect_rtp(std::span<std::uint8_t> packet) {
  if (!srtp_in_) {
    counters_.drop(DropReason::not_connected);
    return std::nullopt;
  }
  std::size_t len = packet.size();
  const auto result = srtp_in_->unprotect_rtp(packet.data(), len);
  return accept(result, len, counters_);
}

std::optional<std::size_t> WebRtcTransport::unprotect_rtcp(std::span<std::uint8_t> packet) {
  if (!srtp_in_) {
    counters_.drop(DropReason::not_connected);
    return std::nullopt;
  }
  std::size_t len = packet.size();
  const auto result = srtp_in_->unprotect_rtcp(packet.data(), len);
  return accept(result, len, counters_);
}

bool WebRtcTransport::send_rtp(std::span<std::uint8_t> buffer, std::size_t len) {
  const auto to = ice_.selected();
  if (!srtp_out_ || !to) return false;
  if (srtp_out_->protect_rtp(buffer.data(), len, buffer.size()) != SrtpSession::Result::Ok) {
    return false;
  }
  if (!sender_.send(buffer.first(len), *to)) {
    counters_.drop(DropReason::send_failed);
    return false;
  }
  counters_.add(counters_.rtp_packets_out);
  counters_.add(counters_.rtp_bytes_out, len);
  return true;
}

bool WebRtcTransport::send_rtcp(std::span<std::uint8_t> buffer, std::size_t len) {
  const auto to = ice_.selected();
  if (!srtp_out_ || !to) return false;
  if (srtp_out_->protect_rtcp(buffer.data(), len, buffer.size()) != SrtpSession::Result::Ok) {
    return false;
  }
  if (!sender_.send(buffer.first(len), *to)) {
    counters_.drop(DropReason::send_failed);
    return false;
  }
  counters_.add(counters_.rtcp_packets_out);
  return true;
}

void WebRtcTransport::tick(Clock::time_point now) {
  if (dead_) return;
  if (ice_.consent_expired(now)) {
    die("ICE consent expired");
    return;
  }
  if (dtls_deadline_ && now >= *dtls_deadline_) {
    dtls_deadline_.reset();
    dtls_->handle_timeout();
    if (dead_) return;
    if (const auto t = dtls_->timeout()) dtls_deadline_ = now + *t;
  }
}

void WebRtcTransport::die(std::string_view reason) {
  if (dead_) return;
  dead_ = true;
  if (hooks_.dead) hooks_.dead(reason);
}

}  // namespace confab::sfu
