#include "sfu/forwarder.hpp"

#include <algorithm>
#include <cstring>

#include "sfu/packet_kind.hpp"
#include "sfu/rtcp.hpp"
#include "sfu/stun_message.hpp"
#include "sfu/vp8.hpp"

namespace confab::sfu {

Forwarder::Forwarder(DtlsContext& dtls, DatagramSender& sender, SfuCounters& counters,
                     ClosedHook closed, LevelsHook levels)
    : dtls_(dtls),
      sender_(sender),
      counters_(counters),
      closed_(std::move(closed)),
      levels_(std::move(levels)) {}

Forwarder::~Forwarder() {
  // Consumers and producers point into transports: drop them first.
  counters_.sub(counters_.consumers, consumers_.size());
  counters_.sub(counters_.producers, producers_.size());
  counters_.sub(counters_.transports, links_.size());
  consumers_.clear();
  producers_.clear();
}

// ---- control ----

void Forwarder::add_transport(const std::string& id, std::string ufrag, std::string pwd,
                              Clock::time_point now) {
  if (links_.contains(id)) return;
  Link& link = links_[id];
  WebRtcTransport::Hooks hooks;
  hooks.dead = [this, id](std::string_view reason) { dead_.emplace_back(id, std::string(reason)); };
  link.transport = std::make_unique<WebRtcTransport>(id, std::move(ufrag), std::move(pwd), dtls_,
                                                     sender_, counters_, std::move(hooks), now);
  transports_[id] = link.transport.get();
  by_ufrag_[link.transport->ice().ufrag()] = &link;
  counters_.add(counters_.transports);
}

void Forwarder::connect_transport(const std::string& id, std::string_view algorithm,
                                  std::string_view fingerprint) {
  const auto it = links_.find(id);
  if (it != links_.end()) it->second.transport->set_remote_fingerprint(algorithm, fingerprint);
}

void Forwarder::restart_ice(const std::string& id, std::string ufrag, std::string pwd,
                            Clock::time_point now) {
  const auto it = links_.find(id);
  if (it == links_.end()) return;
  Link& link = it->second;
  by_ufrag_.erase(link.transport->ice().ufrag());
  link.transport->ice().restart(std::move(ufrag), std::move(pwd), now);
  by_ufrag_[link.transport->ice().ufrag()] = &link;
}

void Forwarder::forget_addresses(Link& link) {
  std::erase_if(by_address_, [&](const auto& entry) { return entry.second == &link; });
}

void Forwarder::close_transport(const std::string& id) {
  const auto it = links_.find(id);
  if (it == links_.end()) return;
  Link& link = it->second;
  for (const auto& consumer : std::vector<std::string>(link.consumer_ids)) close_consumer(consumer);
  for (const auto& producer : std::vector<std::string>(link.producer_ids)) close_producer(producer);
  by_ufrag_.erase(link.transport->ice().ufrag());
  forget_addresses(link);
  transports_.erase(id);
  links_.erase(it);
  counters_.sub(counters_.transports);
}

void Forwarder::add_producer(const meeting::ProducerSpec& spec) {
  const auto it = links_.find(spec.transport_id);
  if (it == links_.end() || producers_.contains(spec.id)) return;
  Link& link = it->second;
  auto producer = std::make_unique<Producer>(spec, *link.transport);
  for (std::size_t i = 0; i < spec.encodings.size(); ++i) {
    const auto& layer = spec.encodings[i];
    if (layer.ssrc != 0) link.producers_by_ssrc[layer.ssrc] = {producer.get(), i};
    if (layer.rtx_ssrc != 0) link.producers_by_ssrc[layer.rtx_ssrc] = {producer.get(), i};
  }
  link.producer_ids.push_back(spec.id);
  producers_.emplace(spec.id, std::move(producer));
  counters_.add(counters_.producers);
}

void Forwarder::close_producer(const std::string& id) {
  const auto it = producers_.find(id);
  if (it == producers_.end()) return;
  Producer& producer = *it->second;
  std::vector<std::string> consumer_ids;
  for (Consumer* consumer : producer.consumers()) consumer_ids.push_back(consumer->spec().id);
  for (const auto& consumer : consumer_ids) close_consumer(consumer);
  Link& link = links_.at(producer.spec().transport_id);
  std::erase_if(link.producers_by_ssrc,
                [&](const auto& e) { return e.second.producer == &producer; });
  std::erase(link.producer_ids, id);
  producers_.erase(it);
  counters_.sub(counters_.producers);
}

void Forwarder::set_producer_paused(const std::string& id, bool paused) {
  const auto it = producers_.find(id);
  if (it == producers_.end()) return;
  it->second->set_paused(paused);
  if (!paused && it->second->video()) it->second->want_keyframe();
}

void Forwarder::add_consumer(const meeting::ConsumerSpec& spec) {
  const auto link_it = links_.find(spec.transport_id);
  const auto producer_it = producers_.find(spec.producer_id);
  if (link_it == links_.end() || producer_it == producers_.end() || consumers_.contains(spec.id)) {
    return;
  }
  Link& link = link_it->second;
  Producer& producer = *producer_it->second;
  auto consumer = std::make_unique<Consumer>(spec, producer, *link.transport);
  producer.consumers().push_back(consumer.get());
  link.consumers_by_ssrc[spec.ssrc] = consumer.get();
  if (spec.rtx_ssrc != 0) link.consumers_by_ssrc[spec.rtx_ssrc] = consumer.get();
  link.consumer_ids.push_back(spec.id);
  Consumer& added = *consumer;
  consumers_.emplace(spec.id, std::move(consumer));
  retarget(added, last_tick_, true);
  counters_.add(counters_.consumers);
}

void Forwarder::close_consumer(const std::string& id) {
  const auto it = consumers_.find(id);
  if (it == consumers_.end()) return;
  Consumer& consumer = *it->second;
  std::erase(consumer.producer().consumers(), &consumer);
  Link& link = links_.at(consumer.spec().transport_id);
  std::erase_if(link.consumers_by_ssrc, [&](const auto& e) { return e.second == &consumer; });
  std::erase(link.consumer_ids, id);
  consumers_.erase(it);
  counters_.sub(counters_.consumers);
}

void Forwarder::set_consumer_paused(const std::string& id, bool paused) {
  const auto it = consumers_.find(id);
  if (it == consumers_.end()) return;
  it->second->set_paused(paused);
  retarget(*it->second, last_tick_, true);
}

void Forwarder::retarget(Consumer& consumer, Clock::time_point now, bool starting) {
  if (!consumer.producer().video()) return;
  const std::size_t before = consumer.target_layer();
  // Asked for once here; the NACK timer asks again while the keyframe does not come.
  if (consumer.update_target(now) && (starting || consumer.target_layer() != before)) {
    consumer.producer().want_keyframe(consumer.target_layer());
  }
}

void Forwarder::set_consumer_preferred_layers(const std::string& id, std::uint8_t spatial,
                                              std::uint8_t temporal) {
  const auto it = consumers_.find(id);
  if (it == consumers_.end()) return;
  it->second->set_preferred_layers(spatial, temporal);
  retarget(*it->second, last_tick_);
}

void Forwarder::request_keyframe(const std::string& consumer_id) {
  const auto it = consumers_.find(consumer_id);
  if (it != consumers_.end() && it->second->producer().video()) {
    it->second->producer().want_keyframe(it->second->keyframe_layer());
  }
}

// ---- packets ----

Forwarder::Link* Forwarder::link_for(const TransportAddress& from) {
  const auto it = by_address_.find(from);
  if (it == by_address_.end() || !it->second->transport->ice().validated(from)) {
    counters_.drop(DropReason::unknown_address);
    return nullptr;
  }
  return it->second;
}

void Forwarder::receive(std::span<std::uint8_t> datagram, const TransportAddress& from,
                        Clock::time_point now) {
  switch (classify(datagram)) {
    case PacketKind::Stun:
      receive_stun(datagram, from, now);
      break;
    case PacketKind::Dtls:
      if (Link* link = link_for(from)) link->transport->receive_dtls(datagram, from);
      break;
    case PacketKind::Rtp:
      if (Link* link = link_for(from)) {
        if (const auto len = link->transport->unprotect_rtp(datagram)) {
          receive_rtp(*link, datagram.first(*len), now);
        }
      }
      break;
    case PacketKind::Rtcp:
      if (Link* link = link_for(from)) {
        if (const auto len = link->transport->unprotect_rtcp(datagram)) {
          counters_.add(counters_.rtcp_packets_in);
          receive_rtcp(*link, datagram.first(*len), now);
        }
      }
      break;
    case PacketKind::Unknown:
      counters_.drop(DropReason::malformed);
      break;
  }
  reap();
}

void Forwarder::receive_stun(std::span<const std::uint8_t> datagram, const TransportAddress& from,
                             Clock::time_point now) {
  const auto message = StunMessage::parse(datagram);
  const auto ufrag = message ? local_ufrag(*message) : std::nullopt;
  const auto it = ufrag ? by_ufrag_.find(std::string(*ufrag)) : by_ufrag_.end();
  if (it == by_ufrag_.end()) {
    counters_.drop(DropReason::bad_stun);
    return;
  }
  Link& link = *it->second;
  link.transport->receive_stun(*message, from, now);
  if (link.transport->ice().validated(from)) by_address_[from] = &link;
}

void Forwarder::receive_rtp(Link& link, std::span<std::uint8_t> data, Clock::time_point now) {
  const auto header = RtpPacket::parse(data);
  if (!header) {
    counters_.drop(DropReason::malformed);
    return;
  }
  const auto it = link.producers_by_ssrc.find(header->ssrc());
  const StreamRef* stream = it != link.producers_by_ssrc.end() ? &it->second : nullptr;
  if (stream == nullptr) stream = learn_stream(link, *header);
  if (stream == nullptr) {
    counters_.drop(DropReason::unknown_ssrc);
    return;
  }
  counters_.add(counters_.rtp_packets_in);
  counters_.add(counters_.rtp_bytes_in, data.size());
  Producer& producer = *stream->producer;
  const std::size_t index = stream->layer;
  Producer::Layer& layer = producer.layer(index);
  // Bandwidth probes: RTX packets of padding only, nothing to forward or recover.
  if (header->ssrc() == layer.encoding.rtx_ssrc && header->payload().size() < 2) return;
  std::size_t len = data.size();
  bool recovered = false;
  auto packet = producer.normalise(index, data, len, recovered);
  if (!packet) {
    counters_.drop(DropReason::malformed);
    return;
  }
  if (!producer.video() && !recovered) {
    if (const auto level = packet->audio_level(meeting::kAudioLevelExtensionId)) {
      producer.level_meter().add(level->second);
    }
  }
  std::optional<Vp8Descriptor> vp8;
  if (producer.video()) vp8 = Vp8Descriptor::parse(packet->payload());
  const bool keyframe = vp8 && vp8->keyframe;
  layer.nacks.on_packet(packet->sequence(), now, keyframe);
  layer.stats.on_packet(packet->sequence(), packet->timestamp(), now);
  layer.buffer.store(packet->sequence(), data.first(len), now);
  layer.bitrate.add(len, vp8 && vp8->tid ? *vp8->tid : 0, now);
  const bool was_active = producer.layer_active(index, now);
  producer.on_packet(index, now);
  if (producer.paused()) return;
  // A layer the publisher turned (back) on may be what some consumers wait for.
  if (!was_active && producer.simulcast()) {
    for (Consumer* consumer : producer.consumers()) retarget(*consumer, now);
  }
  forward(producer, index, data.first(len), keyframe, vp8 ? &*vp8 : nullptr, now);
}

const Forwarder::StreamRef* Forwarder::learn_stream(Link& link, const RtpPacket& packet) {
  const auto text = [](std::span<const std::uint8_t> bytes) {
    return std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  };
  for (const auto& producer_id : link.producer_ids) {
    Producer& producer = *producers_.at(producer_id);
    const auto& spec = producer.spec();
    if (spec.rid_extension_id == 0 || !producer.has_unlearnt_layers()) continue;
    if (spec.mid_extension_id != 0 && !spec.mid.empty()) {
      const auto mid = packet.extension(spec.mid_extension_id);
      if (mid && text(*mid) != spec.mid) continue;
    }
    bool rtx = false;
    auto rid = packet.extension(spec.rid_extension_id);
    if (!rid && spec.repaired_rid_extension_id != 0) {
      rid = packet.extension(spec.repaired_rid_extension_id);
      rtx = true;
    }
    if (!rid) continue;
    if (const auto index = producer.learn_ssrc(text(*rid), packet.ssrc(), rtx)) {
      return &(link.producers_by_ssrc[packet.ssrc()] = StreamRef{&producer, *index});
    }
  }
  return nullptr;
}

void Forwarder::forward(Producer& producer, std::size_t layer, std::span<const std::uint8_t> packet,
                        bool keyframe, const Vp8Descriptor* vp8, Clock::time_point now) {
  for (Consumer* consumer : producer.consumers()) {
    if (consumer->paused() || !consumer->transport().connected()) continue;
    std::memcpy(out_.data(), packet.data(), packet.size());
    auto copy = RtpPacket::parse(std::span(out_).first(packet.size()));
    const auto before = consumer->current_layer();
    if (!copy || !consumer->prepare(*copy, layer, keyframe, vp8, now)) continue;
    if (before && *before != layer) counters_.add(counters_.layer_switches);
    const std::size_t payload = copy->payload().size();
    if (consumer->transport().send_rtp(out_, packet.size())) {
      consumer->on_sent(payload, packet.size(), now);
    }
  }
}

void Forwarder::retransmit(Consumer& consumer, std::uint16_t sent_sequence, Clock::time_point now) {
  const auto source = consumer.source_sequence(sent_sequence);
  if (!source) return;
  const auto layer = consumer.current_layer();
  if (!layer) return;
  const auto stored = consumer.producer().layer(*layer).buffer.get(*source, now);
  if (!stored) return;
  std::memcpy(out_.data(), stored->data(), stored->size());
  std::size_t len = stored->size();
  if (!consumer.prepare_retransmission(out_, len, sent_sequence)) return;
  if (consumer.transport().send_rtp(out_, len)) counters_.add(counters_.retransmissions);
}

void Forwarder::receive_rtcp(Link& link, std::span<const std::uint8_t> data,
                             Clock::time_point now) {
  const auto compound = RtcpCompound::parse(data);
  if (!compound) {
    counters_.drop(DropReason::malformed);
    return;
  }
  for (const RtcpPacket packet : *compound) {
    if (packet.is_nack()) {
      const auto it = link.consumers_by_ssrc.find(packet.media_ssrc());
      if (it == link.consumers_by_ssrc.end()) continue;
      packet.for_each_nacked([&](std::uint16_t seq) {
        counters_.add(counters_.nacks_received);
        retransmit(*it->second, seq, now);
      });
    } else if (packet.is_pli()) {
      const auto it = link.consumers_by_ssrc.find(packet.media_ssrc());
      if (it != link.consumers_by_ssrc.end()) {
        it->second->producer().want_keyframe(it->second->keyframe_layer());
      }
    } else if (packet.is_fir()) {
      for (std::size_t i = 0; i < packet.fir_entry_count(); ++i) {
        const auto it = link.consumers_by_ssrc.find(packet.fir_entry(i).ssrc);
        if (it != link.consumers_by_ssrc.end()) {
          it->second->producer().want_keyframe(it->second->keyframe_layer());
        }
      }
    } else if (packet.is_remb()) {
      if (const auto bitrate = packet.remb_bitrate()) {
        const auto bps = static_cast<std::uint32_t>(std::min<std::uint64_t>(*bitrate, UINT32_MAX));
        link.transport->set_receive_bitrate(bps);
        link.downlink.on_remb(bps, now);
      }
    }
    if (packet.is_sender_report()) {
      // The publisher's clocks, passed on to its consumers in their SRs.
      const auto it = link.producers_by_ssrc.find(packet.ssrc());
      const auto info = packet.sender_info();
      if (it != link.producers_by_ssrc.end() && info) {
        const StreamRef& stream = it->second;
        if (packet.ssrc() == stream.producer->layer(stream.layer).encoding.ssrc) {
          stream.producer->on_sender_report(stream.layer, *info, now);
        }
      }
    }
    // A subscriber's reports on our streams: the round-trip time.
    for (std::size_t i = 0; i < packet.report_block_count(); ++i) {
      const ReportBlock block = packet.report_block(i);
      const auto it = link.consumers_by_ssrc.find(block.ssrc);
      if (it == link.consumers_by_ssrc.end() || block.ssrc != it->second->spec().ssrc) continue;
      if (it->second->producer().video()) link.downlink.on_loss(block.fraction_lost);
      if (const auto rtt = it->second->on_report_block(block, now)) link.transport->set_rtt(*rtt);
    }
  }
}

// NACKs for what publishers lost, and keyframe requests (PLI), each batched per transport.
void Forwarder::send_nacks_and_keyframe_requests(Clock::time_point now) {
  for (auto& [id, producer] : producers_) {
    WebRtcTransport& transport = producer->transport();
    if (!transport.connected()) continue;
    // A request can be lost or ignored, and a subscriber that got nothing yet never asks
    // itself: ask again (rate-limited) while a consumer still waits for a keyframe. Audio has
    // none: its consumers are not walked.
    if (producer->video()) {
      for (Consumer* consumer : producer->consumers()) {
        if (consumer->awaiting_keyframe() && consumer->transport().connected()) {
          producer->want_keyframe(consumer->target_layer());
        }
      }
    }
    RtcpWriter writer(out_);
    for (std::size_t i = 0; i < producer->layer_count(); ++i) {
      Producer::Layer& layer = producer->layer(i);
      if (layer.encoding.ssrc == 0) continue;  // not learnt yet
      const auto lost = layer.nacks.collect(now);
      if (!lost.empty()) {
        writer.nack(sfu_ssrc_, layer.encoding.ssrc, lost);
        counters_.add(counters_.nacks_sent, lost.size());
      }
      if (layer.nacks.keyframe_needed()) producer->want_keyframe(i);
      if (producer->take_keyframe_request(i, now)) {
        writer.pli(sfu_ssrc_, layer.encoding.ssrc);
        counters_.add(counters_.keyframe_requests);
      }
    }
    if (writer.ok() && writer.size() > 0) transport.send_rtcp(out_, writer.size());
  }
}

// Once a second, on every connected transport: what it publishes gets a receiver report (loss,
// jitter, LSR/DLSR for the publisher's RTT) and an REMB bounding its video by what its
// subscribers can take; what it receives gets sender reports.
void Forwarder::send_reports(Clock::time_point now) {
  for (auto& [id, link] : links_) {
    if (!link.transport->connected()) continue;
    if (!link.producer_ids.empty()) send_receiver_report(link, now);
    if (!link.consumer_ids.empty()) send_sender_reports(link, now);
  }
}

// The REMB carries the lowest estimate any subscriber of the link's video reported (a default
// while none did).
void Forwarder::send_receiver_report(Link& link, Clock::time_point now) {
  std::array<ReportBlock, rtcp::kMaxReportBlocks> blocks{};
  std::size_t block_count = 0;
  std::array<std::uint32_t, 8> video_ssrcs{};
  std::size_t video_count = 0;
  std::uint32_t bitrate = 0;
  bool simulcast = false;
  for (const auto& producer_id : link.producer_ids) {
    Producer& producer = *producers_.at(producer_id);
    for (std::size_t i = 0; i < producer.layer_count(); ++i) {
      Producer::Layer& layer = producer.layer(i);
      const std::uint32_t ssrc = layer.encoding.ssrc;
      if (ssrc == 0) continue;
      if (block_count < blocks.size()) {
        if (const auto block = layer.stats.report_block(ssrc, now)) blocks[block_count++] = *block;
      }
      if (producer.video() && video_count < video_ssrcs.size()) video_ssrcs[video_count++] = ssrc;
    }
    if (!producer.video()) continue;
    simulcast = simulcast || producer.simulcast();
    for (Consumer* consumer : producer.consumers()) {
      const std::uint32_t reported = consumer->transport().receive_bitrate();
      if (reported != 0 && (bitrate == 0 || reported < bitrate)) bitrate = reported;
    }
  }
  RtcpWriter writer(out_);
  writer.receiver_report(sfu_ssrc_, std::span(blocks).first(block_count));
  if (video_count > 0) {
    if (bitrate == 0) bitrate = kDefaultPublisherBitrate;
    bitrate = std::max(bitrate, kMinPublisherBitrate);
    if (simulcast) bitrate = kSimulcastPublisherBitrate;
    writer.remb(sfu_ssrc_, bitrate, std::span(video_ssrcs).first(video_count));
  }
  if (writer.ok()) link.transport->send_rtcp(out_, writer.size());
}

// One SR per consumer that has one to give, packed into compounds that stay under the MTU.
void Forwarder::send_sender_reports(Link& link, Clock::time_point now) {
  constexpr std::size_t kSenderReportSize = 28;
  constexpr std::size_t kMaxCompound = 1200 - kSrtpMaxTrailer;
  RtcpWriter writer(out_);
  for (const auto& consumer_id : link.consumer_ids) {
    Consumer& consumer = *consumers_.at(consumer_id);
    const auto info = consumer.sender_report(now);
    if (!info) continue;
    if (writer.size() + kSenderReportSize > kMaxCompound) {
      if (writer.ok()) link.transport->send_rtcp(out_, writer.size());
      writer = RtcpWriter(out_);
    }
    writer.sender_report(consumer.spec().ssrc, *info);
  }
  if (writer.ok() && writer.size() > 0) link.transport->send_rtcp(out_, writer.size());
}

// A paused producer reads as silent: a muted member cannot stay the dominant speaker.
void Forwarder::report_audio_levels() {
  std::vector<meeting::AudioLevel> levels;
  for (auto& [id, producer] : producers_) {
    if (producer->video()) continue;
    const auto reading = producer->level_meter().take();
    levels.push_back({id, producer->paused() ? 0.0f : reading.activity});
  }
  if (!levels.empty()) levels_(std::move(levels));
}

// Every subscriber's bandwidth shared out between the video it receives; consumers whose layer
// changes ask for the keyframe they need.
void Forwarder::allocate_downlinks(Clock::time_point now) {
  auto& streams = allocation_streams_;
  auto& videos = allocation_consumers_;
  for (auto& [id, link] : links_) {
    streams.clear();
    videos.clear();
    std::uint32_t sending = 0;
    for (const auto& consumer_id : link.consumer_ids) {
      Consumer& consumer = *consumers_.at(consumer_id);
      if (!consumer.producer().video() || consumer.paused()) continue;
      sending += consumer.sent_bitrate(now);
      Producer& producer = consumer.producer();
      DownlinkStream& stream = streams.emplace_back();
      stream.spatial_layers = std::min(producer.layer_count(), DownlinkStream::kLayers);
      stream.preferred_spatial = consumer.preferred_spatial_layer();
      stream.preferred_temporal = consumer.preferred_temporal_layer();
      for (std::size_t l = 0; l < stream.spatial_layers; ++l) {
        if (!producer.layer_active(l, now)) continue;
        for (std::size_t t = 0; t < DownlinkStream::kLayers; ++t) {
          stream.bitrate[l][t] =
              producer.layer(l).bitrate.bitrate(static_cast<std::uint8_t>(t), now);
        }
      }
      videos.push_back(&consumer);
    }
    if (videos.empty()) continue;
    allocate_downlink(streams, link.downlink.update(sending, now));
    for (std::size_t i = 0; i < videos.size(); ++i) {
      videos[i]->set_bandwidth_layers(streams[i].spatial, streams[i].temporal);
      retarget(*videos[i], now);
    }
  }
}

void Forwarder::tick(Clock::time_point now) {
  last_tick_ = now;
  for (auto& [id, link] : links_) link.transport->tick(now);
  reap();
  if (now >= next_nack_) {
    next_nack_ = now + kNackInterval;
    send_nacks_and_keyframe_requests(now);
  }
  if (now >= next_report_) {
    next_report_ = now + kReportInterval;
    send_reports(now);
  }
  if (now >= next_allocation_) {
    next_allocation_ = now + kAllocationInterval;
    allocate_downlinks(now);
  }
  if (levels_ && now >= next_levels_) {
    next_levels_ = now + kAudioLevelInterval;
    report_audio_levels();
  }
}

void Forwarder::reap() {
  while (!dead_.empty()) {
    auto [id, reason] = std::move(dead_.back());
    dead_.pop_back();
    if (!links_.contains(id)) continue;
    close_transport(id);
    if (closed_) closed_(id, reason);
  }
}

}  // namespace confab::sfu
