// Checks of what confab-sfu-bench sends and counts, without a server: the SFU's own parsers read
// our VP8 keyframes as keyframes and our audio level as a level; loss counting across the
// sequence wrap; the send-time trailer; the SDP reader on a Janus answer. Exit status 0 = pass.
#include <cstdio>
#include <vector>

#include "janus_client.hpp"
#include "sfu/rtp_packet.hpp"
#include "sfu/vp8.hpp"
#include "synthetic_media.hpp"

using namespace confab::bench::sfu;

namespace {
int failures = 0;
void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "FAIL: %s\n", what);
    ++failures;
  }
}

struct Sent {
  std::vector<std::uint8_t> bytes;
};
}  // namespace

int main() {
  // Two seconds and a bit of media from one speaking participant.
  std::vector<Sent> sent;
  const auto record = [&](std::span<std::uint8_t> buffer, std::size_t len) {
    sent.push_back({std::vector<std::uint8_t>(buffer.begin(), buffer.begin() + len)});
  };
  MediaSource source(100, 200, 0, 7, true);
  for (std::int64_t t = 0; t <= 2'100'000'000; t += 1'000'000) source.pump(t, record);
  std::size_t audio = 0, video = 0, keyframes = 0, levels = 0, stamped = 0;
  for (auto& s : sent) {
    const auto packet = confab::sfu::RtpPacket::parse(std::span(s.bytes));
    check(packet.has_value(), "our RTP parses");
    if (!packet) continue;
    if (sent_at(packet->payload())) ++stamped;
    if (packet->ssrc() == 100) {
      ++audio;
      const auto ext = packet->extension(kAudioLevelExtensionId);
      if (ext && ext->size() == 1 && ((*ext)[0] & 0x7f) == 30) ++levels;
    } else {
      ++video;
      const auto d = confab::sfu::Vp8Descriptor::parse(packet->payload());
      check(d.has_value() && d->picture_id.has_value(), "VP8 descriptor with a picture id");
      if (confab::sfu::vp8_is_keyframe(packet->payload())) ++keyframes;
    }
  }
  check(audio >= 104 && audio <= 107, "50 audio packets/s");
  check(levels == audio, "every audio packet carries level 30");
  check(video >= 66 && video <= 80, "about 33 video packets/s");
  check(keyframes == 2, "a keyframe at the start and after 2 s");
  check(stamped == sent.size(), "every payload ends in the send time");

  // A keyframe asked for comes with the next frame, at most one per 500 ms.
  sent.clear();
  source.request_keyframe(2'200'000'000);
  for (std::int64_t t = 2'101'000'000; t <= 2'300'000'000; t += 1'000'000) source.pump(t, record);
  source.request_keyframe(2'400'000'000);  // too soon
  for (std::int64_t t = 2'301'000'000; t <= 2'600'000'000; t += 1'000'000) source.pump(t, record);
  std::size_t asked = 0;
  for (auto& s : sent) {
    const auto packet = confab::sfu::RtpPacket::parse(std::span(s.bytes));
    if (packet && packet->ssrc() == 200 && confab::sfu::vp8_is_keyframe(packet->payload())) ++asked;
  }
  check(asked == 1, "one keyframe for two requests within 500 ms");

  // Loss across the sequence wrap; packets before the window do not count.
  ReceivedStream stream(true);
  stream.on_packet(65530, false);
  stream.reset_window();
  for (std::uint16_t s : {65533, 65534, 65535, 0, 2, 3}) stream.on_packet(s, true);
  stream.on_packet(65531, true);  // late, from before the window
  check(stream.window().expected == 7 && stream.window().received == 6, "one lost across the wrap");

  // The parts of a Janus answer we use.
  const auto sdp = SdpSummary::parse(
      "v=0\r\na=ice-lite\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=ice-ufrag:P7LD\r\n"
      "a=ice-pwd:FTbLujNbjKervdgiNmQ3Yn\r\na=fingerprint:sha-256 3D:B7\r\na=ssrc:845887094 "
      "cname:janus\r\na=candidate:1 1 udp 2015363327 192.0.2.2 43101 typ host\r\n"
      "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\na=inactive\r\n");
  check(sdp.ufrag == "P7LD" && sdp.pwd == "FTbLujNbjKervdgiNmQ3Yn" && sdp.fingerprint == "3D:B7",
        "sdp credentials");
  check(sdp.candidate_ip == "192.0.2.2" && sdp.candidate_port == 43101, "sdp candidate");
  check(sdp.media.size() == 2 && sdp.media[0].ssrc == 845887094u &&
            sdp.media[0].payload_type == 111 && sdp.media[1].kind == "video" &&
            sdp.media[1].inactive && sdp.media[1].mid == "1",
        "sdp media sections");

  if (failures == 0) std::puts("confab-sfu-bench selftest: ok");
  return failures == 0 ? 0 : 1;
}
