#include <algorithm>

#include "sfu/byte_io.hpp"
#include "sfu/rtcp.hpp"

namespace confab::sfu {

namespace {

constexpr std::size_t kMaxRembSsrcs = 255;

void write_report_block(std::uint8_t* p, const ReportBlock& b) {
  store_u32(p, b.ssrc);
  p[4] = b.fraction_lost;
  // Clamp to the 24-bit signed range, then store as two's complement.
  const std::int32_t lost = std::clamp<std::int32_t>(b.cumulative_lost, -0x800000, 0x7FFFFF);
  store_u24(p + 5, static_cast<std::uint32_t>(lost) & 0xFFFFFFu);
  store_u32(p + 8, b.highest_sequence);
  store_u32(p + 12, b.jitter);
  store_u32(p + 16, b.last_sr);
  store_u32(p + 20, b.delay_since_sr);
}

// Calls emit(NackItem) for each packed item.
template <class F>
void pack(std::span<const std::uint16_t> lost, F&& emit) {
  if (lost.empty()) return;
  NackItem item{lost[0], 0};
  for (std::size_t i = 1; i < lost.size(); ++i) {
    const auto distance = static_cast<std::uint16_t>(lost[i] - item.pid);
    if (distance == 0) continue;
    if (distance <= 16) {
      item.blp = static_cast<std::uint16_t>(item.blp | (1u << (distance - 1)));
      continue;
    }
    emit(item);
    item = NackItem{lost[i], 0};
  }
  emit(item);
}

}  // namespace

std::size_t pack_nack_items(std::span<const std::uint16_t> lost, std::span<NackItem> out) {
  std::size_t n = 0;
  pack(lost, [&](const NackItem& item) {
    if (n < out.size()) out[n++] = item;
  });
  return n;
}

std::uint8_t* RtcpWriter::begin_packet(std::uint8_t count, std::uint8_t type, std::size_t size) {
  if (failed_ || size % 4 != 0 || size > 4 * 0x10000 || buffer_.size() - size_ < size) {
    failed_ = true;
    return nullptr;
  }
  std::uint8_t* p = buffer_.data() + size_;
  std::fill_n(p, size, std::uint8_t{0});
  p[0] = static_cast<std::uint8_t>(0x80 | (count & 0x1F));
  p[1] = type;
  store_u16(p + 2, static_cast<std::uint16_t>(size / 4 - 1));
  size_ += size;
  return p;
}

RtcpWriter& RtcpWriter::sender_report(std::uint32_t ssrc, const SenderInfo& info,
                                      std::span<const ReportBlock> blocks) {
  if (blocks.size() > rtcp::kMaxReportBlocks) {
    failed_ = true;
    return *this;
  }
  std::uint8_t* p = begin_packet(static_cast<std::uint8_t>(blocks.size()), rtcp::kSenderReport,
                                 28 + blocks.size() * rtcp::kReportBlockSize);
  if (p == nullptr) return *this;
  store_u32(p + 4, ssrc);
  store_u64(p + 8, info.ntp);
  store_u32(p + 16, info.rtp_timestamp);
  store_u32(p + 20, info.packet_count);
  store_u32(p + 24, info.octet_count);
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    write_report_block(p + 28 + i * rtcp::kReportBlockSize, blocks[i]);
  }
  return *this;
}

RtcpWriter& RtcpWriter::receiver_report(std::uint32_t ssrc, std::span<const ReportBlock> blocks) {
  if (blocks.size() > rtcp::kMaxReportBlocks) {
    failed_ = true;
    return *this;
  }
  std::uint8_t* p = begin_packet(static_cast<std::uint8_t>(blocks.size()), rtcp::kReceiverReport,
                                 8 + blocks.size() * rtcp::kReportBlockSize);
  if (p == nullptr) return *this;
  store_u32(p + 4, ssrc);
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    write_report_block(p + 8 + i * rtcp::kReportBlockSize, blocks[i]);
  }
  return *this;
}

RtcpWriter& RtcpWriter::sdes_cname(std::uint32_t ssrc, std::string_view cname) {
  if (cname.size() > 255) {
    failed_ = true;
    return *this;
  }
  // Chunk: SSRC, CNAME item (type 1, length, text), then at least one zero byte (the end item)
  // up to a 32-bit boundary.
  const std::size_t chunk = (4 + 2 + cname.size() + 1 + 3) & ~std::size_t{3};
  std::uint8_t* p = begin_packet(1, rtcp::kSourceDescription, 4 + chunk);
  if (p == nullptr) return *this;
  store_u32(p + 4, ssrc);
  p[8] = 1;
  p[9] = static_cast<std::uint8_t>(cname.size());
  std::copy(cname.begin(), cname.end(), p + 10);
  return *this;
}

RtcpWriter& RtcpWriter::bye(std::span<const std::uint32_t> ssrcs) {
  if (ssrcs.size() > 31) {
    failed_ = true;
    return *this;
  }
  std::uint8_t* p =
      begin_packet(static_cast<std::uint8_t>(ssrcs.size()), rtcp::kBye, 4 + 4 * ssrcs.size());
  if (p == nullptr) return *this;
  for (std::size_t i = 0; i < ssrcs.size(); ++i) store_u32(p + 4 + 4 * i, ssrcs[i]);
  return *this;
}

RtcpWriter& RtcpWriter::nack(std::uint32_t sender_ssrc, std::uint32_t media_ssrc,
                             std::span<const std::uint16_t> lost) {
  if (lost.empty()) return *this;
  std::size_t items = 0;
  pack(lost, [&](const NackItem&) { ++items; });
  std::uint8_t* p = begin_packet(rtcp::kFmtNack, rtcp::kTransportFeedback, 12 + 4 * items);
  if (p == nullptr) return *this;
  store_u32(p + 4, sender_ssrc);
  store_u32(p + 8, media_ssrc);
  std::uint8_t* at = p + 12;
  pack(lost, [&](const NackItem& item) {
    store_u16(at, item.pid);
    store_u16(at + 2, item.blp);
    at += 4;
  });
  return *this;
}

RtcpWriter& RtcpWriter::nack_items(std::uint32_t sender_ssrc, std::uint32_t media_ssrc,
                                   std::span<const NackItem> items) {
  if (items.empty()) return *this;
  std::uint8_t* p = begin_packet(rtcp::kFmtNack, rtcp::kTransportFeedback, 12 + 4 * items.size());
  if (p == nullptr) return *this;
  store_u32(p + 4, sender_ssrc);
  store_u32(p + 8, media_ssrc);
  for (std::size_t i = 0; i < items.size(); ++i) {
    store_u16(p + 12 + 4 * i, items[i].pid);
    store_u16(p + 14 + 4 * i, items[i].blp);
  }
  return *this;
}

RtcpWriter& RtcpWriter::pli(std::uint32_t sender_ssrc, std::uint32_t media_ssrc) {
  std::uint8_t* p = begin_packet(rtcp::kFmtPli, rtcp::kPayloadFeedback, 12);
  if (p == nullptr) return *this;
  store_u32(p + 4, sender_ssrc);
  store_u32(p + 8, media_ssrc);
  return *this;
}

RtcpWriter& RtcpWriter::fir(std::uint32_t sender_ssrc, std::span<const FirEntry> entries) {
  if (entries.empty()) {
    failed_ = true;
    return *this;
  }
  std::uint8_t* p = begin_packet(rtcp::kFmtFir, rtcp::kPayloadFeedback, 12 + 8 * entries.size());
  if (p == nullptr) return *this;
  store_u32(p + 4, sender_ssrc);  // media SSRC stays 0 (RFC 5104 4.3.1.2)
  for (std::size_t i = 0; i < entries.size(); ++i) {
    store_u32(p + 12 + 8 * i, entries[i].ssrc);
    p[16 + 8 * i] = entries[i].sequence;
  }
  return *this;
}

RtcpWriter& RtcpWriter::remb(std::uint32_t sender_ssrc, std::uint64_t bitrate,
                             std::span<const std::uint32_t> ssrcs) {
  if (ssrcs.size() > kMaxRembSsrcs) {
    failed_ = true;
    return *this;
  }
  std::uint8_t* p = begin_packet(rtcp::kFmtAfb, rtcp::kPayloadFeedback, 20 + 4 * ssrcs.size());
  if (p == nullptr) return *this;
  store_u32(p + 4, sender_ssrc);
  p[12] = 'R';
  p[13] = 'E';
  p[14] = 'M';
  p[15] = 'B';
  p[16] = static_cast<std::uint8_t>(ssrcs.size());
  unsigned exponent = 0;
  while ((bitrate >> exponent) > 0x3FFFF) ++exponent;
  const auto mantissa = static_cast<std::uint32_t>(bitrate >> exponent);
  p[17] = static_cast<std::uint8_t>((exponent << 2) | (mantissa >> 16));
  store_u16(p + 18, static_cast<std::uint16_t>(mantissa));
  for (std::size_t i = 0; i < ssrcs.size(); ++i) store_u32(p + 20 + 4 * i, ssrcs[i]);
  return *this;
}

}  // namespace confab::sfu
