#include <limits>

#include "sfu/byte_io.hpp"
#include "sfu/rtcp.hpp"

namespace confab::sfu {

namespace {

constexpr std::size_t kHeaderSize = 4;
constexpr std::size_t kFeedbackHeaderSize = 12;  // header, sender SSRC, media SSRC
constexpr std::size_t kSenderInfoEnd = 28;       // header, SSRC, sender info
constexpr std::size_t kRembFixedSize = 20;       // feedback header, 'REMB', N, exp/mantissa
constexpr std::size_t kTransportCcMinSize = 20;  // feedback header, base, count, ref, fb count

bool is_remb_content(std::span<const std::uint8_t> content) {
  return content.size() >= 16 && content[12] == 'R' && content[13] == 'E' && content[14] == 'M' &&
         content[15] == 'B';
}

// The fixed parts of one sub-packet's content (padding removed) for its type.
bool valid_content(std::uint8_t type, std::uint8_t count, std::span<const std::uint8_t> content) {
  const std::size_t size = content.size();
  switch (type) {
    case rtcp::kSenderReport:
      return size >= kSenderInfoEnd + count * rtcp::kReportBlockSize;
    case rtcp::kReceiverReport:
      return size >= 8 + count * rtcp::kReportBlockSize;
    case rtcp::kBye:
      return size >= kHeaderSize + 4u * count;
    case rtcp::kTransportFeedback:
      if (size < kFeedbackHeaderSize) return false;
      if (count == rtcp::kFmtNack) {
        return size > kFeedbackHeaderSize && (size - kFeedbackHeaderSize) % 4 == 0;
      }
      if (count == rtcp::kFmtTransportCc) return size >= kTransportCcMinSize;
      return true;
    case rtcp::kPayloadFeedback:
      if (size < kFeedbackHeaderSize) return false;
      if (count == rtcp::kFmtFir) {
        return size > kFeedbackHeaderSize && (size - kFeedbackHeaderSize) % 8 == 0;
      }
      if (count == rtcp::kFmtAfb && is_remb_content(content)) {
        return size >= kRembFixedSize && size >= kRembFixedSize + 4u * content[16];
      }
      return true;
    default:
      return true;  // SDES, APP, XR and the unknown are skipped, not read
  }
}

std::size_t packet_size(std::span<const std::uint8_t> rest) {
  return (std::size_t{load_u16(rest.data() + 2)} + 1) * 4;
}

}  // namespace

std::optional<RtcpCompound> RtcpCompound::parse(std::span<const std::uint8_t> data) {
  if (data.empty()) return std::nullopt;
  std::size_t offset = 0;
  std::size_t count = 0;
  while (offset < data.size()) {
    const auto rest = data.subspan(offset);
    if (rest.size() < kHeaderSize) return std::nullopt;
    if ((rest[0] >> 6) != 2) return std::nullopt;
    if (rest[1] < 192 || rest[1] > 223) return std::nullopt;  // not RTCP (RFC 5761 4)
    const std::size_t size = packet_size(rest);
    if (size > rest.size()) return std::nullopt;
    std::size_t padding = 0;
    if ((rest[0] & 0x20) != 0) {
      if (size != rest.size()) return std::nullopt;  // padding only in the last sub-packet
      padding = rest[size - 1];
      if (padding == 0 || padding > size - kHeaderSize) return std::nullopt;
    }
    if (!valid_content(rest[1], rest[0] & 0x1F, rest.first(size - padding))) return std::nullopt;
    offset += size;
    ++count;
  }
  return RtcpCompound(data, count);
}

RtcpPacket RtcpCompound::iterator::operator*() const {
  return RtcpPacket(rest_.first(packet_size(rest_)));
}

RtcpCompound::iterator& RtcpCompound::iterator::operator++() {
  rest_ = rest_.subspan(packet_size(rest_));
  return *this;
}

std::size_t RtcpPacket::content_size() const {
  if ((bytes_[0] & 0x20) == 0) return bytes_.size();
  return bytes_.size() - bytes_.back();
}

std::uint32_t RtcpPacket::ssrc() const {
  // In SDES and BYE the first word is the first source's, only if there is one.
  if ((is_sdes() || is_bye()) && count() == 0) return 0;
  return content_size() >= 8 ? load_u32(bytes_.data() + 4) : 0;
}

bool RtcpPacket::is_remb() const {
  return type() == rtcp::kPayloadFeedback && fmt() == rtcp::kFmtAfb &&
         is_remb_content(bytes_.first(content_size()));
}

std::optional<SenderInfo> RtcpPacket::sender_info() const {
  if (!is_sender_report()) return std::nullopt;
  const std::uint8_t* p = bytes_.data();
  return SenderInfo{load_u64(p + 8), load_u32(p + 16), load_u32(p + 20), load_u32(p + 24)};
}

std::size_t RtcpPacket::report_block_count() const {
  return is_sender_report() || is_receiver_report() ? count() : 0;
}

ReportBlock RtcpPacket::report_block(std::size_t index) const {
  if (index >= report_block_count()) return {};
  const std::size_t first = is_sender_report() ? kSenderInfoEnd : 8;
  const std::uint8_t* p = bytes_.data() + first + index * rtcp::kReportBlockSize;
  ReportBlock block;
  block.ssrc = load_u32(p);
  block.fraction_lost = p[4];
  const std::uint32_t lost = load_u24(p + 5);
  // Sign-extend the 24-bit two's complement count.
  block.cumulative_lost = (lost & 0x800000u) ? static_cast<std::int32_t>(lost) - 0x1000000
                                             : static_cast<std::int32_t>(lost);
  block.highest_sequence = load_u32(p + 8);
  block.jitter = load_u32(p + 12);
  block.last_sr = load_u32(p + 16);
  block.delay_since_sr = load_u32(p + 20);
  return block;
}

std::size_t RtcpPacket::bye_ssrc_count() const {
  return is_bye() ? count() : 0;
}

std::uint32_t RtcpPacket::bye_ssrc(std::size_t index) const {
  if (index >= bye_ssrc_count()) return 0;
  return load_u32(bytes_.data() + kHeaderSize + 4 * index);
}

std::uint32_t RtcpPacket::media_ssrc() const {
  if (type() != rtcp::kTransportFeedback && type() != rtcp::kPayloadFeedback) return 0;
  return load_u32(bytes_.data() + 8);
}

std::size_t RtcpPacket::nack_item_count() const {
  return is_nack() ? (content_size() - kFeedbackHeaderSize) / 4 : 0;
}

NackItem RtcpPacket::nack_item(std::size_t index) const {
  if (index >= nack_item_count()) return {};
  const std::uint8_t* p = bytes_.data() + kFeedbackHeaderSize + 4 * index;
  return NackItem{load_u16(p), load_u16(p + 2)};
}

std::size_t RtcpPacket::fir_entry_count() const {
  return is_fir() ? (content_size() - kFeedbackHeaderSize) / 8 : 0;
}

FirEntry RtcpPacket::fir_entry(std::size_t index) const {
  if (index >= fir_entry_count()) return {};
  const std::uint8_t* p = bytes_.data() + kFeedbackHeaderSize + 8 * index;
  return FirEntry{load_u32(p), p[4]};
}

std::optional<std::uint64_t> RtcpPacket::remb_bitrate() const {
  if (!is_remb()) return std::nullopt;
  const std::uint8_t* p = bytes_.data() + 17;
  const unsigned exponent = p[0] >> 2;
  const std::uint64_t mantissa = (std::uint64_t{p[0] & 0x03u} << 16) | load_u16(p + 1);
  // An 18-bit mantissa shifted by more than 46 would overflow: saturate.
  if (mantissa != 0 && exponent > 46) return std::numeric_limits<std::uint64_t>::max();
  return mantissa << exponent;
}

std::size_t RtcpPacket::remb_ssrc_count() const {
  return is_remb() ? bytes_[16] : 0;
}

std::uint32_t RtcpPacket::remb_ssrc(std::size_t index) const {
  if (index >= remb_ssrc_count()) return 0;
  return load_u32(bytes_.data() + kRembFixedSize + 4 * index);
}

}  // namespace confab::sfu
