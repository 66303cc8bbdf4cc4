#pragma once
// Compound RTCP (RFC 3550) with the feedback messages an SFU uses (RFC 4585 NACK and PLI,
// RFC 5104 FIR, draft-alvestrand-rmcat-remb REMB; transport-cc recognised, not parsed): a
// validating reader that walks a compound packet without copying, and a writer into a
// caller's buffer. Neither allocates.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace confab::sfu {

namespace rtcp {
constexpr std::uint8_t kSenderReport = 200;
constexpr std::uint8_t kReceiverReport = 201;
constexpr std::uint8_t kSourceDescription = 202;
constexpr std::uint8_t kBye = 203;
constexpr std::uint8_t kApp = 204;
constexpr std::uint8_t kTransportFeedback = 205;  // RTPFB
constexpr std::uint8_t kPayloadFeedback = 206;    // PSFB
constexpr std::uint8_t kExtendedReport = 207;
// RTPFB formats.
constexpr std::uint8_t kFmtNack = 1;
constexpr std::uint8_t kFmtTransportCc = 15;
// PSFB formats.
constexpr std::uint8_t kFmtPli = 1;
constexpr std::uint8_t kFmtFir = 4;
constexpr std::uint8_t kFmtAfb = 15;  // application layer feedback: REMB
constexpr std::size_t kReportBlockSize = 24;
constexpr std::size_t kMaxReportBlocks = 31;
}  // namespace rtcp

struct SenderInfo {
  std::uint64_t ntp = 0;  // NTP timestamp, 32.32 fixed point
  std::uint32_t rtp_timestamp = 0;
  std::uint32_t packet_count = 0;
  std::uint32_t octet_count = 0;
  bool operator==(const SenderInfo&) const = default;
};

struct ReportBlock {
  std::uint32_t ssrc = 0;
  std::uint8_t fraction_lost = 0;      // of 256
  std::int32_t cumulative_lost = 0;    // 24-bit signed on the wire
  std::uint32_t highest_sequence = 0;  // extended highest sequence number received
  std::uint32_t jitter = 0;
  std::uint32_t last_sr = 0;         // middle 32 bits of the last SR's NTP time
  std::uint32_t delay_since_sr = 0;  // in 1/65536 s
  bool operator==(const ReportBlock&) const = default;
};

// One Generic NACK FCI entry: `pid` lost, and pid+1+i lost for each bit i set in `blp`.
struct NackItem {
  std::uint16_t pid = 0;
  std::uint16_t blp = 0;
  bool operator==(const NackItem&) const = default;
};

struct FirEntry {
  std::uint32_t ssrc = 0;
  std::uint8_t sequence = 0;
  bool operator==(const FirEntry&) const = default;
};

// One validated sub-packet of a compound. Accessors of another type's fields return empty.
class RtcpPacket {
 public:
  explicit RtcpPacket(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  std::uint8_t type() const { return bytes_[1]; }
  // The 5-bit field: report/source count for SR, RR, SDES, BYE; FMT for feedback.
  std::uint8_t count() const { return bytes_[0] & 0x1F; }
  std::uint8_t fmt() const { return count(); }
  // The sender's SSRC (first word after the header; in SDES and BYE the first source's); 0 if
  // the packet has none.
  std::uint32_t ssrc() const;
  // The whole sub-packet as sent, padding included.
  std::span<const std::uint8_t> bytes() const { return bytes_; }

  bool is_sender_report() const { return type() == rtcp::kSenderReport; }
  bool is_receiver_report() const { return type() == rtcp::kReceiverReport; }
  bool is_sdes() const { return type() == rtcp::kSourceDescription; }
  bool is_bye() const { return type() == rtcp::kBye; }
  bool is_nack() const { return type() == rtcp::kTransportFeedback && fmt() == rtcp::kFmtNack; }
  bool is_transport_cc() const {
    return type() == rtcp::kTransportFeedback && fmt() == rtcp::kFmtTransportCc;
  }
  bool is_pli() const { return type() == rtcp::kPayloadFeedback && fmt() == rtcp::kFmtPli; }
  bool is_fir() const { return type() == rtcp::kPayloadFeedback && fmt() == rtcp::kFmtFir; }
  bool is_remb() const;

  // SR
  std::optional<SenderInfo> sender_info() const;
  // SR and RR
  std::size_t report_block_count() const;
  ReportBlock report_block(std::size_t index) const;
  // BYE
  std::size_t bye_ssrc_count() const;
  std::uint32_t bye_ssrc(std::size_t index) const;
  // RTPFB and PSFB: the media source's SSRC (0 in FIR and REMB, which name theirs elsewhere).
  std::uint32_t media_ssrc() const;
  // NACK
  std::size_t nack_item_count() const;
  NackItem nack_item(std::size_t index) const;
  // Calls f(seq) for every sequence number the NACK reports lost, in the order sent.
  template <class F>
  void for_each_nacked(F&& f) const {
    for (std::size_t i = 0; i < nack_item_count(); ++i) {
      const NackItem item = nack_item(i);
      f(item.pid);
      for (unsigned bit = 0; bit < 16; ++bit) {
        if ((item.blp >> bit) & 1u) f(static_cast<std::uint16_t>(item.pid + bit + 1));
      }
    }
  }
  // FIR
  std::size_t fir_entry_count() const;
  FirEntry fir_entry(std::size_t index) const;
  // REMB: bits per second, and the SSRCs it applies to.
  std::optional<std::uint64_t> remb_bitrate() const;
  std::size_t remb_ssrc_count() const;
  std::uint32_t remb_ssrc(std::size_t index) const;

 private:
  // The packet without its padding.
  std::size_t content_size() const;

  std::span<const std::uint8_t> bytes_;
};

// A validated compound RTCP packet. parse() walks every sub-packet: version 2, a packet type
// in 192..223, a length that fits, padding only in the last one (and within it), and per type the
// fixed parts (SR and RR report blocks, BYE sources, feedback headers, NACK and FIR entries, REMB's
// SSRC list). One bad sub-packet refuses the whole compound. Other types in the range are accepted
// and skipped.
class RtcpCompound {
 public:
  static std::optional<RtcpCompound> parse(std::span<const std::uint8_t> data);
  static std::optional<RtcpCompound> parse(std::vector<std::uint8_t>&&) = delete;

  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = RtcpPacket;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = RtcpPacket;

    iterator() = default;
    RtcpPacket operator*() const;
    iterator& operator++();
    iterator operator++(int) {
      iterator old = *this;
      ++*this;
      return old;
    }
    bool operator==(const iterator& other) const { return rest_.data() == other.rest_.data(); }

   private:
    friend class RtcpCompound;
    explicit iterator(std::span<const std::uint8_t> rest) : rest_(rest) {}
    std::span<const std::uint8_t> rest_;
  };

  iterator begin() const { return iterator(data_); }
  iterator end() const { return iterator(data_.subspan(data_.size())); }
  std::size_t size() const { return count_; }
  std::span<const std::uint8_t> data() const { return data_; }

 private:
  RtcpCompound(std::span<const std::uint8_t> data, std::size_t count)
      : data_(data), count_(count) {}
  std::span<const std::uint8_t> data_;
  std::size_t count_ = 0;
};

// Appends RTCP packets to a caller's buffer. A packet that does not fit (or bad arguments, such
// as more than 31 report blocks) is not written and marks the writer failed; later calls are
// ignored. Sizes and counts are checked, semantics are the caller's.
class RtcpWriter {
 public:
  explicit RtcpWriter(std::span<std::uint8_t> buffer) : buffer_(buffer) {}

  RtcpWriter& sender_report(std::uint32_t ssrc, const SenderInfo& info,
                            std::span<const ReportBlock> blocks = {});
  RtcpWriter& receiver_report(std::uint32_t ssrc, std::span<const ReportBlock> blocks = {});
  // SDES with one chunk carrying a CNAME (at most 255 bytes).
  RtcpWriter& sdes_cname(std::uint32_t ssrc, std::string_view cname);
  RtcpWriter& bye(std::span<const std::uint32_t> ssrcs);
  // Packs `lost` into PID/BLP pairs: a sequence within 16 after the current PID joins its BLP,
  // any other starts a new pair. Sorted input (wrap-aware, as NackGenerator gives) packs best;
  // any order is correct. Empty `lost` writes nothing.
  RtcpWriter& nack(std::uint32_t sender_ssrc, std::uint32_t media_ssrc,
                   std::span<const std::uint16_t> lost);
  RtcpWriter& nack_items(std::uint32_t sender_ssrc, std::uint32_t media_ssrc,
                         std::span<const NackItem> items);
  RtcpWriter& pli(std::uint32_t sender_ssrc, std::uint32_t media_ssrc);
  RtcpWriter& fir(std::uint32_t sender_ssrc, std::span<const FirEntry> entries);
  // REMB with the bitrate as an 18-bit mantissa and 6-bit exponent (rounded down).
  RtcpWriter& remb(std::uint32_t sender_ssrc, std::uint64_t bitrate,
                   std::span<const std::uint32_t> ssrcs);

  bool ok() const { return !failed_; }
  std::size_t size() const { return size_; }
  std::span<const std::uint8_t> data() const { return buffer_.first(size_); }

 private:
  // Room for a packet of `size` bytes (a multiple of 4) with its header written; null if full.
  std::uint8_t* begin_packet(std::uint8_t count, std::uint8_t type, std::size_t size);

  std::span<std::uint8_t> buffer_;
  std::size_t size_ = 0;
  bool failed_ = false;
};

// Packs sequence numbers into NACK items as RtcpWriter::nack does; returns how many items were
// written to `out` (stops when `out` is full).
std::size_t pack_nack_items(std::span<const std::uint16_t> lost, std::span<NackItem> out);

}  // namespace confab::sfu
