#include "confab_client.hpp"

#include <iostream>

#include "socketio_codec.hpp"

namespace confab::bench::sfu {

using json = nlohmann::json;
namespace asio = boost::asio;

namespace {

json recv_capabilities() {
  // mediasoup-client's device.rtpCapabilities in Chrome, without RTX (retransmissions come on
  // the media SSRC; we ask for none) and without abs-send-time (no REMB to answer).
  return json::parse(R"({
    "codecs": [
      {"mimeType": "audio/opus", "kind": "audio", "preferredPayloadType": 100, "clockRate": 48000,
       "channels": 2, "parameters": {"minptime": 10, "useinbandfec": 1}, "rtcpFeedback": []},
      {"mimeType": "video/VP8", "kind": "video", "preferredPayloadType": 101, "clockRate": 90000,
       "parameters": {},
       "rtcpFeedback": [{"type": "ccm", "parameter": "fir"}, {"type": "nack", "parameter": ""},
                        {"type": "nack", "parameter": "pli"}]}
    ],
    "headerExtensions": [
      {"kind": "audio", "uri": "urn:ietf:params:rtp-hdrext:ssrc-audio-level", "preferredId": 10,
       "preferredEncrypt": false, "direction": "sendrecv"}
    ]
  })");
}

json audio_parameters(std::uint32_t ssrc, const std::string& cname) {
  json p = json::parse(R"({
    "mid": "0",
    "codecs": [{"mimeType": "audio/opus", "payloadType": 111, "clockRate": 48000, "channels": 2,
                "parameters": {"minptime": 10, "useinbandfec": 1}, "rtcpFeedback": []}],
    "headerExtensions": [{"uri": "urn:ietf:params:rtp-hdrext:ssrc-audio-level", "id": 1,
                          "encrypt": false, "parameters": {}}],
    "encodings": [{"ssrc": 1, "dtx": false}],
    "rtcp": {"cname": "", "reducedSize": true}
  })");
  p["encodings"][0]["ssrc"] = ssrc;
  p["rtcp"]["cname"] = cname;
  return p;
}

json video_parameters(std::uint32_t ssrc, const std::string& cname) {
  json p = json::parse(R"({
    "mid": "1",
    "codecs": [{"mimeType": "video/VP8", "payloadType": 96, "clockRate": 90000, "parameters": {},
                "rtcpFeedback": [{"type": "ccm", "parameter": "fir"},
                                 {"type": "nack", "parameter": ""},
                                 {"type": "nack", "parameter": "pli"}]}],
    "headerExtensions": [],
    "encodings": [{"ssrc": 1, "dtx": false}],
    "rtcp": {"cname": "", "reducedSize": true}
  })");
  p["encodings"][0]["ssrc"] = ssrc;
  p["rtcp"]["cname"] = cname;
  return p;
}

}  // namespace

ConfabClient::ConfabClient(asio::io_context& io, Participant& participant,
                           const SignalingTarget& target)
    : io_(io), participant_(participant), target_(target), conn_(io, *this) {}

void ConfabClient::start() {
  conn_.start(target_.endpoint, target_.host_header, "/socket.io/?EIO=4&transport=websocket");
}

bool ConfabClient::ready() const {
  const std::uint32_t others = target_.participants - 1;
  return error_.empty() && participant_.media_connected() && produced_ == 2 &&
         resumed_audio_ >= others && resumed_video_ >= std::min(others, target_.max_video);
}

void ConfabClient::fail(std::string what) {
  if (error_.empty()) {
    error_ = std::move(what);
    std::cerr << "participant " << participant_.index() << ": " << error_ << "\n";
  }
}

void ConfabClient::on_closed(std::string_view error) {
  fail("signaling closed: " + std::string(error));
}

void ConfabClient::emit(std::string_view name, const json& arg, Reply reply) {
  const std::uint64_t id = next_ack_++;
  pending_.emplace(id, std::move(reply));
  conn_.send(sio::event(name, arg.dump(), id));
}

void ConfabClient::on_text(std::string_view message) {
  const sio::Frame f = sio::classify(message);
  switch (f.kind) {
    case sio::FrameKind::eio_ping:
      conn_.send(std::string(sio::kPong));
      return;
    case sio::FrameKind::eio_open:
      conn_.send(std::string(sio::kConnect));
      return;
    case sio::FrameKind::connect:
      emit("join_room",
           {{"room", target_.room}, {"name", "bench " + std::to_string(participant_.index())}},
           [this](const json& ack) { joined(ack); });
      return;
    case sio::FrameKind::ack: {
      const auto it = f.id ? pending_.find(*f.id) : pending_.end();
      if (it == pending_.end()) return;
      Reply reply = std::move(it->second);
      pending_.erase(it);
      const json body = json::parse(f.body, nullptr, false);
      if (!body.is_array() || body.empty() || !body[0].is_object()) {
        return fail("bad ack " + std::string(f.body.substr(0, 200)));
      }
      if (body[0].value("ok", false) != true) {
        return fail("refused: " + body[0].dump().substr(0, 300));
      }
      try {
        reply(body[0]);
      } catch (const std::exception& e) {
        fail("unexpected ack " + body[0].dump().substr(0, 300) + ": " + e.what());
      }
      return;
    }
    case sio::FrameKind::event: {
      if (!sio::is_event(f.body, "sfu_producer_added")) return;  // others: nothing to do
      const json body = json::parse(f.body, nullptr, false);
      if (body.is_array() && body.size() >= 2 && body[1].contains("producer_id")) {
        consume(body[1]["producer_id"].get<std::string>());
      }
      return;
    }
    case sio::FrameKind::eio_noop:
      return;
    default:
      return fail("unexpected frame " + std::string(message.substr(0, 200)));
  }
}

void ConfabClient::joined(const json& ack) {
  if (ack.value("mode", "") != "sfu") return fail("the room is not an SFU room (--mesh-max 0?)");
  for (const auto& p : ack.value("producers", json::array())) {
    waiting_producers_.push_back(p.value("producer_id", ""));
  }
  create_transport(true);
  create_transport(false);
}

void ConfabClient::create_transport(bool send) {
  emit("sfu_create_transport", {{"direction", send ? "send" : "recv"}},
       [this, send](const json& ack) { transport_created(send, ack.at("transport")); });
}

void ConfabClient::transport_created(bool send, const json& t) {
  const auto& candidate = t.at("iceCandidates").at(0);
  const asio::ip::udp::endpoint server(
      asio::ip::make_address(candidate.at("ip").get<std::string>()),
      candidate.at("port").get<std::uint16_t>());
  std::string fingerprint;
  for (const auto& f : t.at("dtlsParameters").at("fingerprints")) {
    if (f.value("algorithm", "") == "sha-256") fingerprint = f.value("value", "");
  }
  MediaPeer& peer = participant_.add_transport(send, server.address());
  peer.set_remote(server,
                  {t.at("iceParameters").at("usernameFragment").get<std::string>(),
                   t.at("iceParameters").at("password").get<std::string>()},
                  fingerprint);
  const std::string id = t.at("id").get<std::string>();
  (send ? send_transport_ : recv_transport_) = id;
  const json dtls = {
      {"role", "client"},
      {"fingerprints",
       json::array({{{"algorithm", "sha-256"}, {"value", participant_.fingerprint()}}})}};
  emit("sfu_connect_transport", {{"transport_id", id}, {"dtls_parameters", dtls}},
       [&peer](const json&) { peer.check(); });
  if (send) {
    produce();
  } else {
    while (!waiting_producers_.empty()) {
      consume(waiting_producers_.front());
      waiting_producers_.pop_front();
    }
  }
}

void ConfabClient::produce() {
  const std::string cname = "bench" + std::to_string(participant_.index());
  const auto done = [this](const json&) { ++produced_; };
  emit("sfu_produce",
       {{"transport_id", send_transport_},
        {"kind", "audio"},
        {"source", "mic"},
        {"rtp_parameters", audio_parameters(participant_.source().audio_ssrc(), cname)}},
       done);
  emit("sfu_produce",
       {{"transport_id", send_transport_},
        {"kind", "video"},
        {"source", "camera"},
        {"rtp_parameters", video_parameters(participant_.source().video_ssrc(), cname)}},
       done);
}

void ConfabClient::consume(const std::string& producer_id) {
  if (recv_transport_.empty()) {
    waiting_producers_.push_back(producer_id);
    return;
  }
  if (!consumed_.insert(producer_id).second) return;
  emit("sfu_consume",
       {{"transport_id", recv_transport_},
        {"producer_id", producer_id},
        {"rtp_capabilities", recv_capabilities()}},
       [this](const json& ack) {
         const json& c = ack.at("consumer");
         const bool video = c.value("kind", "") == "video";
         const auto ssrc =
             c.at("rtp_parameters").at("encodings").at(0).at("ssrc").get<std::uint32_t>();
         // Last-N = max_video by hand: the others' videos stay paused, as off-screen tiles do.
         if (video && asked_video_ >= target_.max_video) return;
         if (video) ++asked_video_;
         participant_.expect_stream(ssrc, video);
         emit("sfu_resume_consumer", {{"consumer_id", c.at("id")}},
              [this, video](const json&) { ++(video ? resumed_video_ : resumed_audio_); });
       });
}

}  // namespace confab::bench::sfu
