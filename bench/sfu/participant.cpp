#include "participant.hpp"

namespace confab::bench::sfu {

class Participant::SendHandler final : public MediaPeerHandler {
 public:
  explicit SendHandler(Participant& p) : p_(p) {}
  void on_rtp(const confab::sfu::RtpPacket&, std::int64_t) override {}
  void on_keyframe_request(std::uint32_t ssrc) override {
    if (ssrc != p_.source_.video_ssrc()) return;
    ++p_.keyframe_requests_;
    p_.source_.request_keyframe(steady_ns());
  }
  void on_nack(std::uint32_t ssrc, std::uint16_t sequence) override {
    ++p_.nacks_;
    if (ssrc != p_.source_.video_ssrc() || !p_.send_) return;
    p_.source_.retransmit(
        sequence, [this](std::span<std::uint8_t> b, std::size_t n) { p_.send_->send_rtp(b, n); });
  }

 private:
  Participant& p_;
};

class Participant::RecvHandler final : public MediaPeerHandler {
 public:
  explicit RecvHandler(Participant& p) : p_(p) {}
  void on_rtp(const confab::sfu::RtpPacket& packet, std::int64_t now_ns) override {
    auto it = p_.streams_.find(packet.ssrc());
    if (it == p_.streams_.end()) {
      ++p_.unknown_;
      if (!p_.learn_video_pt_) return;
      it = p_.streams_
               .emplace(packet.ssrc(), ReceivedStream(packet.payload_type() == *p_.learn_video_pt_))
               .first;
    }
    it->second.on_packet(packet.sequence(), p_.counting_);
    if (!p_.counting_) return;
    if (const auto sent = sent_at(packet.payload())) p_.latency_.record(now_ns - *sent);
  }
  void on_keyframe_request(std::uint32_t) override {}
  void on_nack(std::uint32_t, std::uint16_t) override {}

 private:
  Participant& p_;
};

Participant::Participant(boost::asio::io_context& io, confab::sfu::DtlsContext& dtls,
                         std::uint32_t index, bool speaking)
    : index_(index),
      io_(io),
      dtls_(dtls),
      source_(0x10000000u + index * 16u, 0x10000000u + index * 16u + 1u, steady_ns(),
              0x9e3779b9u * (index + 1), speaking),
      send_handler_(std::make_unique<SendHandler>(*this)),
      recv_handler_(std::make_unique<RecvHandler>(*this)) {}

Participant::~Participant() = default;

MediaPeer& Participant::add_transport(bool send, const boost::asio::ip::address& local) {
  auto& slot = send ? send_ : recv_;
  MediaPeerHandler& handler = send ? static_cast<MediaPeerHandler&>(*send_handler_)
                                   : static_cast<MediaPeerHandler&>(*recv_handler_);
  slot = std::make_unique<MediaPeer>(io_, dtls_, local, handler);
  return *slot;
}

void Participant::expect_stream(std::uint32_t ssrc, bool video) {
  streams_.insert_or_assign(ssrc, ReceivedStream(video));
}

void Participant::pump(std::int64_t now_ns) {
  if (now_ns >= next_check_ns_) {
    next_check_ns_ = now_ns + 2'000'000'000;
    if (send_) send_->check();
    if (recv_) recv_->check();
  }
  if (send_) send_->tick();
  if (recv_) recv_->tick();
  if (send_ && send_->connected()) {
    source_.pump(now_ns,
                 [this](std::span<std::uint8_t> b, std::size_t n) { send_->send_rtp(b, n); });
  }
}

void Participant::set_counting(bool counting) {
  counting_ = counting;
  if (counting) {
    latency_.clear();
    for (auto& [ssrc, stream] : streams_) stream.reset_window();
  }
}

void Participant::add_totals(Totals& t) const {
  for (const auto& [ssrc, stream] : streams_) {
    const StreamCounters c = stream.window();
    if (c.received == 0) continue;
    (stream.video() ? t.video_packets : t.audio_packets) += c.received;
    (stream.video() ? t.video_streams : t.audio_streams) += 1;
    t.received += std::min(c.received, c.expected);
    t.expected += c.expected;
  }
  t.latency.merge(latency_);
}

}  // namespace confab::bench::sfu
