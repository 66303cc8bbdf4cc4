// Fuzzes the RTP, RTCP and VP8 readers of the SFU's packet layer (sfu/rtp_packet.hpp,
// sfu/rtcp.hpp, sfu/vp8.hpp) and the per-stream state machines fed from packets.
//
// The whole input is, in turn:
//  1. an RTP packet (a private copy): header, payload and padding add up; every extension id
//     reads inside the extension block; remapping with the identity map changes nothing; a map
//     drawn from the input keeps the packet parseable with the same header, payload and size,
//     and every id found afterwards is the image of one found before; setters read back; the
//     payload as a VP8 descriptor (below); RTX (RFC 4588) encoding then decoding gives the
//     packet back without its padding.
//  2. a compound RTCP packet: the sub-packets tile the input and count as size(); every
//     accessor stays inside; SR, RR, BYE, NACK, PLI, FIR and REMB written again by RtcpWriter
//     parse back to the same fields (REMB's bitrate rounded down by at most 2^-17).
//  3. a VP8 payload: the descriptor fits; rewriting the picture id / TL0PICIDX reads back
//     (the id cut to its field width) and changes nothing else.
//  4. pairs of bytes as a sequence-number stream into RtpRewriter, NackGenerator and
//     RetransmissionBuffer (0xFF,n: resync; 0xFE,n: drop a packet just after the newest): the
//     rewriter's newest output moves by exactly the source's step less the drops in between,
//     and source_of() maps every output back;
//     the NACK list never exceeds its bound; stored packets come back intact.
//  5. triples of bytes as VP8 pictures through a Vp8PictureRewriter (forward, drop, switch
//     source): the first picture after a switch goes out one after the last one sent, and
//     the descriptor keeps its size; and the input as bitrates and preferences for
//     allocate_downlink: within the preference, and within the budget unless every stream is
//     already at its lowest layer.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "fuzz/fuzz_check.hpp"
#include "sfu/downlink_allocation.hpp"
#include "sfu/nack_generator.hpp"
#include "sfu/packet_kind.hpp"
#include "sfu/retransmission_buffer.hpp"
#include "sfu/rtcp.hpp"
#include "sfu/rtp_packet.hpp"
#include "sfu/rtp_rewriter.hpp"
#include "sfu/rtx.hpp"
#include "sfu/vp8.hpp"
#include "sfu/vp8_picture_rewriter.hpp"

namespace {

namespace sfu = confab::sfu;
using Bytes = std::vector<std::uint8_t>;

bool within(std::span<const std::uint8_t> whole, std::span<const std::uint8_t> part) {
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

void check_vp8(std::span<const std::uint8_t> payload) {
  const auto d = sfu::Vp8Descriptor::parse(payload);
  if (!d) return;
  FUZZ_CHECK(d->size < payload.size());
  FUZZ_CHECK(sfu::vp8_is_keyframe(payload) == d->keyframe);
  Bytes copy(payload.begin(), payload.end());
  const std::uint16_t new_id = static_cast<std::uint16_t>(payload.size() * 7919);
  const bool has_id = sfu::vp8_set_picture_id(copy, new_id);
  FUZZ_CHECK(has_id == d->picture_id.has_value());
  const bool has_tl0 = sfu::vp8_set_tl0picidx(copy, 0xA5);
  FUZZ_CHECK(has_tl0 == d->tl0picidx.has_value());
  const auto after = sfu::Vp8Descriptor::parse(copy);
  FUZZ_CHECK(after && after->size == d->size && after->keyframe == d->keyframe);
  if (has_id) {
    FUZZ_CHECK(*after->picture_id == (new_id & (d->picture_id_15bit ? 0x7FFF : 0x7F)));
  }
  if (has_tl0) FUZZ_CHECK(*after->tl0picidx == 0xA5);
  FUZZ_CHECK(after->tid == d->tid && after->keyidx == d->keyidx);
  FUZZ_CHECK(std::equal(copy.begin() + static_cast<std::ptrdiff_t>(d->size), copy.end(),
                        payload.begin() + static_cast<std::ptrdiff_t>(d->size)));
}

// RTX encode then decode gives the packet back without its padding.
void check_rtx(std::span<const std::uint8_t> packet) {
  Bytes plain(packet.begin(), packet.end());
  const auto original = sfu::RtpPacket::parse(plain);
  FUZZ_CHECK(original);
  const std::size_t header = original->header_size();
  const Bytes payload(original->payload().begin(), original->payload().end());
  Bytes buffer(packet.begin(), packet.end());
  if (original->padding_size() < 2) {
    FUZZ_CHECK(!sfu::rtx_encode(buffer, buffer.size(), 97, 0x5678, 9));  // no room
  }
  buffer.resize(buffer.size() + 2);
  const auto rtx_size = sfu::rtx_encode(buffer, packet.size(), 97, 0x5678, 9);
  FUZZ_CHECK(rtx_size && *rtx_size == header + 2 + payload.size());
  const auto rtx = sfu::RtpPacket::parse(std::span(buffer).first(*rtx_size));
  FUZZ_CHECK(rtx && rtx->payload_type() == 97 && rtx->ssrc() == 0x5678 && rtx->sequence() == 9);
  FUZZ_CHECK(sfu::rtx_original_sequence(*rtx) == original->sequence());
  const auto size = sfu::rtx_decode(buffer, *rtx_size, original->payload_type(), original->ssrc());
  FUZZ_CHECK(size && *size == header + payload.size());
  const auto back = sfu::RtpPacket::parse(std::span(buffer).first(*size));
  FUZZ_CHECK(back && !back->has_padding() && back->header_size() == header);
  FUZZ_CHECK(back->sequence() == original->sequence() && back->ssrc() == original->ssrc());
  FUZZ_CHECK(back->payload_type() == original->payload_type());
  FUZZ_CHECK(
      std::equal(payload.begin(), payload.end(), back->payload().begin(), back->payload().end()));
  // The header is the original's but for the P bit.
  FUZZ_CHECK((buffer[0] | 0x20) == (packet[0] | 0x20));
  FUZZ_CHECK(std::equal(buffer.begin() + 1, buffer.begin() + static_cast<std::ptrdiff_t>(header),
                        packet.begin() + 1));
}

void check_rtp(std::span<const std::uint8_t> input) {
  Bytes copy(input.begin(), input.end());
  auto p = sfu::RtpPacket::parse(copy);
  if (!p) return;
  const auto kind = sfu::classify(input);
  FUZZ_CHECK(kind == sfu::PacketKind::Rtp || kind == sfu::PacketKind::Rtcp);
  FUZZ_CHECK(p->header_size() + p->payload().size() + p->padding_size() == p->size());
  FUZZ_CHECK(p->header_size() >= sfu::kRtpHeaderSize + 4 * p->csrc_count());
  const std::size_t header = p->header_size();
  const Bytes payload(p->payload().begin(), p->payload().end());
  std::array<bool, 256> present{};
  for (int id = 0; id < 256; ++id) {
    const auto e = p->extension(static_cast<std::uint8_t>(id));
    if (!e) continue;
    present[id] = true;
    FUZZ_CHECK(id != 0);
    FUZZ_CHECK(within(std::span(copy).first(header), *e));
  }
  p->remap_extension_ids(sfu::identity_extension_map());
  FUZZ_CHECK(std::equal(copy.begin(), copy.end(), input.begin()));

  // A map from the input's bytes.
  std::array<std::uint8_t, 256> map{};
  for (std::size_t i = 0; i < map.size(); ++i) map[i] = input[i % input.size()];
  map[0] = 0;
  p->remap_extension_ids(map);
  const auto q = sfu::RtpPacket::parse(copy);
  FUZZ_CHECK(q);
  FUZZ_CHECK(q->header_size() == header && q->size() == input.size());
  FUZZ_CHECK(std::equal(payload.begin(), payload.end(), q->payload().begin(), q->payload().end()));
  FUZZ_CHECK(q->sequence() == p->sequence() && q->ssrc() == p->ssrc());
  std::array<bool, 256> produced{};
  for (int id = 1; id < 256; ++id) {
    if (present[id]) produced[map[id]] = true;
  }
  for (int id = 1; id < 256; ++id) {
    // Remapping renames or blanks elements and never moves where the walk stops, so every id
    // found now is the image of one found before.
    if (q->extension(static_cast<std::uint8_t>(id))) FUZZ_CHECK(produced[id]);
  }

  p->set_sequence(0xBEEF);
  p->set_timestamp(0xCAFEF00D);
  p->set_ssrc(0x12345678);
  p->set_payload_type(0x7F);
  p->set_marker(true);
  const auto r = sfu::RtpPacket::parse(copy);
  FUZZ_CHECK(r && r->sequence() == 0xBEEF && r->timestamp() == 0xCAFEF00D);
  FUZZ_CHECK(r->ssrc() == 0x12345678 && r->payload_type() == 0x7F && r->marker());
  FUZZ_CHECK(r->header_size() == header);
  check_vp8(r->payload());
  check_rtx(copy);
}

void check_rtcp(std::span<const std::uint8_t> input) {
  const auto c = sfu::RtcpCompound::parse(input);
  if (!c) return;
  if (input.size() >= 8) FUZZ_CHECK(sfu::classify(input) == sfu::PacketKind::Rtcp);
  std::size_t total = 0;
  std::size_t count = 0;
  std::array<std::uint8_t, 4096> buffer{};
  for (const sfu::RtcpPacket packet : *c) {
    FUZZ_CHECK(packet.bytes().data() == input.data() + total);
    total += packet.bytes().size();
    ++count;
    (void)packet.ssrc();
    (void)packet.media_ssrc();
    sfu::RtcpWriter w(buffer);
    if (packet.is_sender_report() || packet.is_receiver_report()) {
      std::array<sfu::ReportBlock, 31> blocks{};
      const std::size_t n = packet.report_block_count();
      FUZZ_CHECK(n <= 31);
      for (std::size_t i = 0; i < n; ++i) blocks[i] = packet.report_block(i);
      if (packet.is_sender_report()) {
        w.sender_report(packet.ssrc(), *packet.sender_info(), std::span(blocks).first(n));
      } else {
        w.receiver_report(packet.ssrc(), std::span(blocks).first(n));
      }
    } else if (packet.is_bye()) {
      std::array<std::uint32_t, 31> ssrcs{};
      for (std::size_t i = 0; i < packet.bye_ssrc_count(); ++i) ssrcs[i] = packet.bye_ssrc(i);
      w.bye(std::span(ssrcs).first(packet.bye_ssrc_count()));
    } else if (packet.is_nack()) {
      std::vector<sfu::NackItem> items;
      for (std::size_t i = 0; i < packet.nack_item_count(); ++i) {
        items.push_back(packet.nack_item(i));
      }
      std::size_t lost = 0;
      packet.for_each_nacked([&](std::uint16_t) { ++lost; });
      FUZZ_CHECK(lost >= items.size() && lost <= 17 * items.size());
      w.nack_items(packet.ssrc(), packet.media_ssrc(), items);
    } else if (packet.is_pli()) {
      w.pli(packet.ssrc(), packet.media_ssrc());
    } else if (packet.is_fir()) {
      std::vector<sfu::FirEntry> entries;
      for (std::size_t i = 0; i < packet.fir_entry_count(); ++i) {
        entries.push_back(packet.fir_entry(i));
      }
      w.fir(packet.ssrc(), entries);
    } else if (packet.is_remb()) {
      std::vector<std::uint32_t> ssrcs;
      for (std::size_t i = 0; i < packet.remb_ssrc_count(); ++i) {
        ssrcs.push_back(packet.remb_ssrc(i));
      }
      w.remb(packet.ssrc(), *packet.remb_bitrate(), ssrcs);
    } else {
      continue;
    }
    if (!w.ok()) {
      FUZZ_CHECK(packet.bytes().size() > buffer.size() - 64);  // only too big may fail
      continue;
    }
    const auto again = sfu::RtcpCompound::parse(w.data());
    FUZZ_CHECK(again && again->size() == 1);
    const sfu::RtcpPacket q = *again->begin();
    FUZZ_CHECK(q.type() == packet.type() && q.ssrc() == packet.ssrc());
    FUZZ_CHECK(q.sender_info() == packet.sender_info());
    FUZZ_CHECK(q.report_block_count() == packet.report_block_count());
    for (std::size_t i = 0; i < q.report_block_count(); ++i) {
      FUZZ_CHECK(q.report_block(i) == packet.report_block(i));
    }
    FUZZ_CHECK(q.bye_ssrc_count() == packet.bye_ssrc_count());
    for (std::size_t i = 0; i < q.bye_ssrc_count(); ++i) {
      FUZZ_CHECK(q.bye_ssrc(i) == packet.bye_ssrc(i));
    }
    FUZZ_CHECK(q.nack_item_count() == packet.nack_item_count());
    for (std::size_t i = 0; i < q.nack_item_count(); ++i) {
      FUZZ_CHECK(q.nack_item(i) == packet.nack_item(i));
    }
    FUZZ_CHECK(q.fir_entry_count() == packet.fir_entry_count());
    for (std::size_t i = 0; i < q.fir_entry_count(); ++i) {
      FUZZ_CHECK(q.fir_entry(i) == packet.fir_entry(i));
    }
    FUZZ_CHECK(q.remb_ssrc_count() == packet.remb_ssrc_count());
    for (std::size_t i = 0; i < q.remb_ssrc_count(); ++i) {
      FUZZ_CHECK(q.remb_ssrc(i) == packet.remb_ssrc(i));
    }
    if (packet.is_remb()) {
      const std::uint64_t was = *packet.remb_bitrate();
      const std::uint64_t now = *q.remb_bitrate();
      FUZZ_CHECK(now <= was && was - now <= (was >> 17));
    }
    if (packet.is_fir() || packet.is_nack() || packet.is_pli()) {
      FUZZ_CHECK(q.media_ssrc() == (packet.is_fir() ? 0 : packet.media_ssrc()));
    }
  }
  FUZZ_CHECK(total == input.size() && count == c->size());
}

void check_streams(std::span<const std::uint8_t> input) {
  using namespace std::chrono_literals;
  sfu::RtpRewriter rewriter(1000, 5000);
  sfu::NackGenerator::Config config;
  config.max_missing = 64;
  sfu::NackGenerator nacks(config);
  sfu::RetransmissionBuffer buffer(64, 32, 1s);
  sfu::NackGenerator::Clock::time_point now{};
  // The rewriter's segment as seen from outside: newest forwarded, newest forwarded or
  // dropped, and drops since the newest forwarded.
  std::optional<std::uint16_t> forwarded;
  std::uint16_t forwarded_out = 0;  // its output seq
  std::uint16_t seen = 0;
  std::uint16_t drops_since = 0;
  for (std::size_t i = 0; i + 2 <= input.size(); i += 2) {
    const auto seq = static_cast<std::uint16_t>((input[i] << 8) | input[i + 1]);
    now += std::chrono::milliseconds(input[i + 1] % 16);
    if (input[i] == 0xFF) {
      rewriter.resync(input[i + 1]);
      forwarded.reset();
      drops_since = 0;
      continue;
    }
    if (input[i] == 0xFE) {
      if (!forwarded) continue;
      const auto dropped = static_cast<std::uint16_t>(seen + 1 + input[i + 1] % 3);
      FUZZ_CHECK(rewriter.drop(dropped));
      seen = dropped;
      ++drops_since;
      continue;
    }
    const auto out = rewriter.rewrite(seq, seq * 10u);
    const bool newest = !forwarded || sfu::is_newer(seq, seen);
    if (out) FUZZ_CHECK(rewriter.source_of(out->seq) == seq);
    if (out && forwarded && newest) {
      FUZZ_CHECK(out->seq ==
                 static_cast<std::uint16_t>(forwarded_out + (seq - *forwarded) - drops_since));
      FUZZ_CHECK(rewriter.last() == out);
    }
    if (out && newest) {
      forwarded = seq;
      forwarded_out = out->seq;
      seen = seq;
      drops_since = 0;
    }
    nacks.on_packet(seq, now, (input[i + 1] & 0x80) != 0);
    FUZZ_CHECK(nacks.missing_count() <= config.max_missing);
    if (input[i + 1] % 5 == 0) {
      const auto asked = nacks.collect(now);
      FUZZ_CHECK(asked.size() <= config.max_missing);
      (void)nacks.next_due();
      (void)nacks.keyframe_needed();
    }
    const std::array<std::uint8_t, 3> bytes = {input[i], input[i + 1], 0x5A};
    if (buffer.store(seq, bytes, now)) {
      const auto got = buffer.get(seq, now);
      FUZZ_CHECK(got && std::equal(got->begin(), got->end(), bytes.begin(), bytes.end()));
    }
  }
}

void check_layers(std::span<const std::uint8_t> input) {
  sfu::Vp8PictureRewriter rewriter;
  std::optional<std::uint16_t> last_out;
  bool switched = false;
  for (std::size_t i = 0; i + 2 < input.size(); i += 3) {
    const std::uint16_t id =
        static_cast<std::uint16_t>((input[i + 1] << 8 | input[i + 2]) & 0x7fff);
    Bytes payload = {0x90,
                     0xc0,
                     static_cast<std::uint8_t>(0x80 | id >> 8),
                     static_cast<std::uint8_t>(id & 0xff),
                     input[i],
                     0x51,
                     0,
                     0};
    const auto d = sfu::Vp8Descriptor::parse(payload);
    FUZZ_CHECK(d.has_value());
    switch (input[i] % 3) {
      case 0: {
        rewriter.forward(payload, *d);
        const auto after = sfu::Vp8Descriptor::parse(payload);
        FUZZ_CHECK(after && after->size == d->size && after->picture_id);
        const std::uint16_t out = *after->picture_id;
        if (switched && last_out) FUZZ_CHECK(out == ((*last_out + 1) & 0x7fff));
        switched = false;
        // The newest picture sent (15-bit serial order): what a switch continues from.
        const auto ahead = static_cast<std::uint16_t>((out - last_out.value_or(out)) & 0x7fff);
        if (!last_out || (ahead != 0 && ahead < 0x4000)) last_out = out;
        break;
      }
      case 1:
        rewriter.drop(*d);
        break;
      default:
        rewriter.switch_source();
        switched = true;
        break;
    }
  }

  std::vector<sfu::DownlinkStream> streams(input.size() / 8 % 6);
  for (std::size_t s = 0; s < streams.size(); ++s) {
    auto& stream = streams[s];
    const std::uint8_t* b = input.data() + s * 8;
    stream.spatial_layers = 1 + b[0] % 3;
    stream.preferred_spatial = b[1] % 3;
    stream.preferred_temporal = b[2] % 3;
    for (std::size_t l = 0; l < stream.spatial_layers; ++l) {
      const std::uint32_t base = b[3 + l] * 1000u;
      stream.bitrate[l] = {base, base + b[6] * 100u, base + b[7] * 200u};
    }
  }
  const std::uint32_t budget = input[0] * 3000u;
  sfu::allocate_downlink(streams, budget);
  std::uint64_t total = 0;
  bool all_lowest = true;
  for (const auto& stream : streams) {
    FUZZ_CHECK(stream.temporal <= stream.preferred_temporal);
    FUZZ_CHECK(stream.spatial <= std::max<int>(stream.preferred_spatial, 0));
    total += stream.bitrate[stream.spatial][stream.temporal];
    all_lowest = all_lowest && stream.temporal == 0;
  }
  FUZZ_CHECK(total <= budget || all_lowest);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::span<const std::uint8_t> input(data, size);
  (void)sfu::classify(input);
  check_rtp(input);
  check_rtcp(input);
  check_vp8(input);
  check_streams(input);
  check_layers(input);
  return 0;
}
