#pragma once
// STUN (RFC 5389) as ICE (RFC 8445) uses it: a validated read-only view over one datagram, and a
// writer for the messages an ICE-lite agent sends. Neither allocates (StunWriter::finish() copies
// into a vector for convenience; finish_view() does not).
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "sfu/transport_address.hpp"

namespace confab::sfu {

constexpr std::uint16_t kStunBindingRequest = 0x0001;
constexpr std::uint16_t kStunBindingIndication = 0x0011;
constexpr std::uint16_t kStunBindingSuccess = 0x0101;
constexpr std::uint16_t kStunBindingError = 0x0111;
constexpr std::uint32_t kStunMagicCookie = 0x2112A442;
constexpr std::size_t kStunHeaderSize = 20;

// Attribute types this layer knows.
enum class StunAttr : std::uint16_t {
  MappedAddress = 0x0001,
  Username = 0x0006,
  MessageIntegrity = 0x0008,
  ErrorCode = 0x0009,
  UnknownAttributes = 0x000A,
  Realm = 0x0014,
  Nonce = 0x0015,
  XorMappedAddress = 0x0020,
  Priority = 0x0024,
  UseCandidate = 0x0025,
  Software = 0x8022,
  Fingerprint = 0x8028,
  IceControlled = 0x8029,
  IceControlling = 0x802A,
};

class StunMessage {
 public:
  // Checks: at least 20 bytes, the two top bits zero, the magic cookie, the length field a
  // multiple of 4 equal to the datagram's size minus 20, every attribute (and its padding)
  // inside the message, the known attributes of their fixed sizes, nothing but FINGERPRINT
  // after MESSAGE-INTEGRITY, FINGERPRINT last. For a repeated attribute the first one counts.
  // The message keeps pointing into `datagram`.
  static std::optional<StunMessage> parse(std::span<const std::uint8_t> datagram);
  // A view over a temporary would dangle.
  static std::optional<StunMessage> parse(std::vector<std::uint8_t>&&) = delete;

  std::uint16_t type() const { return type_; }
  // Method (0x001 for Binding) and class bits (0 request, 1 indication, 2 success, 3 error).
  std::uint16_t method() const;
  std::uint8_t message_class() const;
  bool is_binding_request() const { return type_ == kStunBindingRequest; }
  bool is_binding_indication() const { return type_ == kStunBindingIndication; }
  bool is_binding_success() const { return type_ == kStunBindingSuccess; }
  bool is_binding_error() const { return type_ == kStunBindingError; }
  std::span<const std::uint8_t, 12> transaction_id() const { return data_.subspan<8, 12>(); }
  std::span<const std::uint8_t> data() const { return data_; }

  std::optional<std::string_view> username() const { return text(username_); }
  std::optional<std::string_view> software() const { return text(software_); }
  std::optional<std::uint32_t> priority() const;
  bool use_candidate() const { return use_candidate_ != 0; }
  std::optional<std::uint64_t> ice_controlling() const;
  std::optional<std::uint64_t> ice_controlled() const;
  // ICE uses only the XOR form; plain MAPPED-ADDRESS is not read.
  std::optional<TransportAddress> xor_mapped_address() const;
  // class * 100 + number (300..699), and the reason phrase (UTF-8, unchecked).
  std::optional<std::uint16_t> error_code() const;
  std::optional<std::string_view> error_reason() const;
  // The first comprehension-required attribute (type < 0x8000) this layer does not know; a
  // request carrying one gets a 420 (Unknown Attribute) answer.
  std::optional<std::uint16_t> unknown_required_attribute() const;

  bool has_message_integrity() const { return integrity_ != 0; }
  bool has_fingerprint() const { return fingerprint_ != 0; }
  // HMAC-SHA1 over the message up to MESSAGE-INTEGRITY with the length field as if that were the
  // last attribute (RFC 5389 15.4). `key`: the ICE password (short-term credentials) or, for
  // long-term ones, the 16 MD5 bytes. False when there is no MESSAGE-INTEGRITY.
  bool check_message_integrity(std::string_view key) const;
  // CRC-32 of the message up to FINGERPRINT, XOR 0x5354554e. False when there is none.
  bool check_fingerprint() const;

 private:
  StunMessage() = default;
  std::optional<std::string_view> text(std::uint32_t offset) const;
  std::span<const std::uint8_t> value(std::uint32_t offset) const;

  std::span<const std::uint8_t> data_;
  std::uint16_t type_ = 0;
  // Offsets of attribute headers within data_; 0 = absent (no attribute starts at 0).
  std::uint32_t username_ = 0;
  std::uint32_t software_ = 0;
  std::uint32_t priority_ = 0;
  std::uint32_t use_candidate_ = 0;
  std::uint32_t ice_controlling_ = 0;
  std::uint32_t ice_controlled_ = 0;
  std::uint32_t xor_mapped_address_ = 0;
  std::uint32_t error_code_ = 0;
  std::uint32_t integrity_ = 0;
  std::uint32_t fingerprint_ = 0;
  std::optional<std::uint16_t> unknown_required_;
};

// Builds one message into a fixed buffer inside the writer. Attributes come out in call order,
// then MESSAGE-INTEGRITY, then FINGERPRINT. What does not fit in kCapacity makes finish() fail.
class StunWriter {
 public:
  static constexpr std::size_t kCapacity = 1200;

  StunWriter(std::uint16_t type, std::span<const std::uint8_t, 12> transaction_id);

  StunWriter& username(std::string_view value);
  StunWriter& software(std::string_view value);
  StunWriter& priority(std::uint32_t value);
  StunWriter& use_candidate();
  StunWriter& ice_controlling(std::uint64_t tie_breaker);
  StunWriter& ice_controlled(std::uint64_t tie_breaker);
  StunWriter& xor_mapped_address(const TransportAddress& address);
  // `code` 300..699; the reason is cut to 128 bytes.
  StunWriter& error_code(int code, std::string_view reason);
  StunWriter& unknown_attributes(std::span<const std::uint16_t> types);
  // Any other attribute, padded.
  StunWriter& attribute(std::uint16_t type, std::span<const std::uint8_t> value);

  // The finished message in the writer's buffer (valid while the writer lives and until the
  // next call); empty if something did not fit or finish was already called. `integrity_key`
  // as for StunMessage::check_message_integrity.
  std::span<const std::uint8_t> finish_view(std::optional<std::string_view> integrity_key,
                                            bool fingerprint = true);
  // The same, copied out; empty on failure.
  std::vector<std::uint8_t> finish(std::optional<std::string_view> integrity_key,
                                   bool fingerprint = true);

 private:
  // Appends a header and room for `length` value bytes (zeroed padding); null if full.
  std::uint8_t* append(std::uint16_t type, std::size_t length);
  void set_length_field(std::size_t body_length);

  std::array<std::uint8_t, kCapacity> buffer_{};
  std::size_t size_ = kStunHeaderSize;
  bool failed_ = false;
  bool finished_ = false;
};

}  // namespace confab::sfu
