#include "janus_client.hpp"

#include <cstdlib>
#include <iostream>
#include <sstream>

namespace confab::bench::sfu {

using json = nlohmann::json;
namespace asio = boost::asio;

SdpSummary SdpSummary::parse(const std::string& sdp) {
  SdpSummary s;
  std::istringstream in(sdp);
  std::string line;
  auto starts = [&](std::string_view prefix) { return line.rfind(prefix, 0) == 0; };
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (starts("m=")) {
      Media m;
      std::istringstream fields(line.substr(2));
      std::string port, proto;
      fields >> m.kind >> port >> proto >> m.payload_type;
      s.media.push_back(m);
    } else if (starts("a=ice-ufrag:") && s.ufrag.empty()) {
      s.ufrag = line.substr(12);
    } else if (starts("a=ice-pwd:") && s.pwd.empty()) {
      s.pwd = line.substr(10);
    } else if (starts("a=fingerprint:sha-256 ") && s.fingerprint.empty()) {
      s.fingerprint = line.substr(22);
    } else if (starts("a=candidate:") && s.candidate_port == 0) {
      // a=candidate:<foundation> <component> <transport> <priority> <ip> <port> typ <type>
      std::istringstream fields(line.substr(12));
      std::string foundation, component, transport, priority, ip;
      unsigned port = 0;
      fields >> foundation >> component >> transport >> priority >> ip >> port;
      if ((transport == "udp" || transport == "UDP") && ip.find(':') == std::string::npos) {
        s.candidate_ip = ip;
        s.candidate_port = static_cast<std::uint16_t>(port);
      }
    } else if (!s.media.empty()) {
      Media& m = s.media.back();
      if (starts("a=mid:")) m.mid = line.substr(6);
      if (starts("a=inactive")) m.inactive = true;
      if (starts("a=ssrc:") && m.ssrc == 0)
        m.ssrc = static_cast<std::uint32_t>(std::stoul(line.substr(7)));
    }
  }
  return s;
}

JanusClient::JanusClient(asio::io_context& io, Participant& participant,
                         const SignalingTarget& target, asio::ip::address media_ip)
    : io_(io),
      participant_(participant),
      target_(target),
      media_ip_(media_ip),
      conn_(io, *this),
      keepalive_timer_(io) {
  conn_.set_subprotocol("janus-protocol");
}

void JanusClient::start() {
  conn_.start(target_.endpoint, target_.host_header, "/");
  request({{"janus", "create"}}, [this](const json& r) {
    session_ = r.at("data").at("id").get<std::uint64_t>();
    keepalive();
    request({{"janus", "attach"}, {"plugin", "janus.plugin.videoroom"}}, [this](const json& a) {
      publisher_handle_ = a.at("data").at("id").get<std::uint64_t>();
      publish();
    });
    request({{"janus", "attach"}, {"plugin", "janus.plugin.videoroom"}}, [this](const json& a) {
      subscriber_handle_ = a.at("data").at("id").get<std::uint64_t>();
      maybe_subscribe();
    });
  });
}

bool JanusClient::ready() const {
  const std::uint32_t others = target_.participants - 1;
  return error_.empty() && participant_.media_connected() && published_ && started_ &&
         audio_streams_ >= others && video_streams_ >= std::min(others, target_.max_video);
}

void JanusClient::fail(std::string what) {
  if (error_.empty()) {
    error_ = std::move(what);
    std::cerr << "participant " << participant_.index() << ": " << error_ << "\n";
  }
}

void JanusClient::on_closed(std::string_view error) {
  fail("signaling closed: " + std::string(error));
}

void JanusClient::keepalive() {
  keepalive_timer_.expires_after(std::chrono::seconds(20));
  keepalive_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    request({{"janus", "keepalive"}}, [](const json&) {});
    keepalive();
  });
}

void JanusClient::request(json message, Reply reply) {
  const std::string transaction = "t" + std::to_string(next_transaction_++);
  message["transaction"] = transaction;
  if (session_ && !message.contains("session_id") && message["janus"] != "create") {
    message["session_id"] = session_;
  }
  pending_.emplace(transaction, std::move(reply));
  conn_.send(message.dump());
}

void JanusClient::on_text(std::string_view text) {
  if (std::getenv("BENCH_SFU_DEBUG")) std::cerr << participant_.index() << " < " << text << "\n";
  const json m = json::parse(text, nullptr, false);
  if (!m.is_object()) return fail("bad message " + std::string(text.substr(0, 200)));
  const std::string kind = m.value("janus", "");
  try {
    if (kind == "ack") return;  // an asynchronous request; its event follows
    if (kind == "error") return fail("error: " + m.dump().substr(0, 300));
    if (kind == "success" || kind == "event") {
      if (kind == "event") {
        const json& data = m.at("plugindata").at("data");
        if (data.contains("error")) return fail("videoroom: " + data.dump().substr(0, 300));
        on_plugin_event(m.value("sender", std::uint64_t{0}), data,
                        m.contains("jsep") ? &m["jsep"] : nullptr);
      }
      const auto it = pending_.find(m.value("transaction", ""));
      if (it != pending_.end()) {
        Reply reply = std::move(it->second);
        pending_.erase(it);
        reply(m);
      }
      return;
    }
    // webrtcup, media, slowlink, hangup, detached, trickle: nothing to do
    if (kind == "hangup") fail("hangup: " + m.dump().substr(0, 200));
  } catch (const std::exception& e) {
    fail("unexpected message " + m.dump().substr(0, 300) + ": " + e.what());
  }
}

void JanusClient::on_plugin_event(std::uint64_t handle, const json& data, const json* jsep) {
  const std::string what = data.value("videoroom", "");
  if (handle == publisher_handle_) {
    if (what == "joined") own_feed_ = data.value("id", std::uint64_t{0});
    if (data.contains("publishers")) add_publishers(data["publishers"]);
    if (jsep && jsep->value("type", "") == "answer") published(*jsep);
  } else if (handle == subscriber_handle_) {
    if (jsep && jsep->value("type", "") == "offer") subscribe_offer(*jsep);
  }
}

void JanusClient::add_publishers(const json& list) {
  for (const auto& p : list) {
    const auto id = p.value("id", std::uint64_t{0});
    if (id && id != own_feed_) feeds_.insert(id);
  }
  maybe_subscribe();
}

std::string JanusClient::offer_sdp() const {
  const std::string ip = media_ip_.to_string();
  const MediaPeer& peer = *const_cast<Participant&>(participant_).send_peer();
  const std::string cname = "bench" + std::to_string(participant_.index());
  std::ostringstream s;
  s << "v=0\r\no=- " << 1000 + participant_.index() << " 2 IN IP4 " << ip
    << "\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\na=msid-semantic: WMS bench\r\n";
  auto common = [&](const char* mid) {
    s << "c=IN IP4 " << ip << "\r\n"
      << "a=candidate:1 1 udp 2130706431 " << ip << " " << peer.local_port() << " typ host\r\n"
      << "a=end-of-candidates\r\n"
      << "a=ice-ufrag:" << MediaPeer::kUfrag << "\r\na=ice-pwd:" << MediaPeer::kPwd << "\r\n"
      << "a=fingerprint:sha-256 " << participant_.fingerprint() << "\r\n"
      << "a=setup:active\r\na=mid:" << mid << "\r\na=sendonly\r\na=rtcp-mux\r\n";
  };
  s << "m=audio 9 UDP/TLS/RTP/SAVPF " << int{kOpusPayloadType} << "\r\n";
  common("0");
  s << "a=extmap:" << int{kAudioLevelExtensionId}
    << " urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
    << "a=msid:bench a0\r\n"
    << "a=rtpmap:" << int{kOpusPayloadType} << " opus/48000/2\r\n"
    << "a=fmtp:" << int{kOpusPayloadType} << " minptime=10;useinbandfec=1\r\n"
    << "a=ssrc:" << participant_.source().audio_ssrc() << " cname:" << cname << "\r\n";
  s << "m=video 9 UDP/TLS/RTP/SAVPF " << int{kVp8PayloadType} << "\r\n";
  common("1");
  s << "a=msid:bench v0\r\n"
    << "a=rtpmap:" << int{kVp8PayloadType} << " VP8/90000\r\n"
    << "a=rtcp-fb:" << int{kVp8PayloadType} << " ccm fir\r\n"
    << "a=rtcp-fb:" << int{kVp8PayloadType} << " nack\r\n"
    << "a=rtcp-fb:" << int{kVp8PayloadType} << " nack pli\r\n"
    << "a=ssrc:" << participant_.source().video_ssrc() << " cname:" << cname << "\r\n";
  return s.str();
}

void JanusClient::publish() {
  participant_.add_transport(true, media_ip_);
  request({{"janus", "message"},
           {"handle_id", publisher_handle_},
           {"body",
            {{"request", "joinandconfigure"},
             {"ptype", "publisher"},
             {"room", std::stoull(target_.room)},
             {"display", "bench " + std::to_string(participant_.index())}}},
           {"jsep", {{"type", "offer"}, {"sdp", offer_sdp()}}}},
          [](const json&) {});
}

void JanusClient::connect_peer(MediaPeer& peer, const SdpSummary& remote) {
  if (remote.candidate_port == 0 || remote.fingerprint.empty()) {
    return fail("remote SDP without an IPv4 UDP candidate or a sha-256 fingerprint");
  }
  peer.set_remote({asio::ip::make_address(remote.candidate_ip), remote.candidate_port},
                  {remote.ufrag, remote.pwd}, remote.fingerprint);
  peer.check();
}

void JanusClient::published(const json& jsep) {
  const SdpSummary answer = SdpSummary::parse(jsep.at("sdp").get<std::string>());
  connect_peer(*participant_.send_peer(), answer);
  published_ = true;
}

void JanusClient::maybe_subscribe() {
  if (subscribed_ || !subscriber_handle_ || feeds_.size() < target_.participants - 1) return;
  subscribed_ = true;
  json streams = json::array();
  std::uint32_t videos = 0;
  for (const auto feed : feeds_) {
    streams.push_back({{"feed", feed}, {"mid", "0"}});
    if (videos < target_.max_video) {
      streams.push_back({{"feed", feed}, {"mid", "1"}});
      ++videos;
    }
  }
  request({{"janus", "message"},
           {"handle_id", subscriber_handle_},
           {"body",
            {{"request", "join"},
             {"ptype", "subscriber"},
             {"room", std::stoull(target_.room)},
             {"streams", streams}}}},
          [](const json&) {});
}

std::string JanusClient::answer_sdp(const SdpSummary& offer) const {
  const std::string ip = media_ip_.to_string();
  const MediaPeer& peer = *const_cast<Participant&>(participant_).recv_peer();
  std::ostringstream s;
  s << "v=0\r\no=- " << 2000 + participant_.index() << " 2 IN IP4 " << ip
    << "\r\ns=-\r\nt=0 0\r\na=group:BUNDLE";
  for (const auto& m : offer.media) s << " " << m.mid;
  s << "\r\n";
  for (const auto& m : offer.media) {
    const bool audio = m.kind == "audio";
    s << "m=" << m.kind << " 9 UDP/TLS/RTP/SAVPF " << m.payload_type << "\r\n"
      << "c=IN IP4 " << ip << "\r\n"
      << "a=candidate:1 1 udp 2130706431 " << ip << " " << peer.local_port() << " typ host\r\n"
      << "a=end-of-candidates\r\n"
      << "a=ice-ufrag:" << MediaPeer::kUfrag << "\r\na=ice-pwd:" << MediaPeer::kPwd << "\r\n"
      << "a=fingerprint:sha-256 " << participant_.fingerprint() << "\r\n"
      << "a=setup:active\r\na=mid:" << m.mid << "\r\n"
      << (m.inactive ? "a=inactive" : "a=recvonly") << "\r\na=rtcp-mux\r\n";
    if (m.kind == "application") continue;
    s << "a=rtpmap:" << m.payload_type << (audio ? " opus/48000/2" : " VP8/90000") << "\r\n";
    if (!audio) {
      s << "a=rtcp-fb:" << m.payload_type << " ccm fir\r\n"
        << "a=rtcp-fb:" << m.payload_type << " nack pli\r\n";
    }
  }
  return s.str();
}

void JanusClient::subscribe_offer(const json& jsep) {
  const SdpSummary offer = SdpSummary::parse(jsep.at("sdp").get<std::string>());
  if (!participant_.recv_peer()) participant_.add_transport(false, media_ip_);
  audio_streams_ = video_streams_ = 0;
  for (const auto& m : offer.media) {
    if (m.inactive || (m.kind != "audio" && m.kind != "video")) continue;
    const bool video = m.kind == "video";
    ++(video ? video_streams_ : audio_streams_);
    if (video) participant_.learn_streams(static_cast<std::uint8_t>(m.payload_type));
    if (m.ssrc) participant_.expect_stream(m.ssrc, video);
  }
  request({{"janus", "message"},
           {"handle_id", subscriber_handle_},
           {"body", {{"request", "start"}}},
           {"jsep", {{"type", "answer"}, {"sdp", answer_sdp(offer)}}}},
          [this](const json&) { started_ = true; });
  connect_peer(*participant_.recv_peer(), offer);
}

}  // namespace confab::bench::sfu
