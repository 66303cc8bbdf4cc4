#include "sfu/stun_message.hpp"

#include <openssl/crypto.h>

#include <algorithm>

#include "sfu/byte_io.hpp"
#include "sfu/stun_crypto.hpp"

namespace confab::sfu {

namespace {

constexpr std::uint32_t kFingerprintXor = 0x5354554e;
constexpr std::size_t kIntegritySize = 20;

std::size_t padded(std::size_t length) {
  return (length + 3) & ~std::size_t{3};
}

// The fixed value size of a known attribute, or -1 when any size is allowed.
int fixed_size(std::uint16_t type) {
  switch (static_cast<StunAttr>(type)) {
    case StunAttr::MessageIntegrity:
      return kIntegritySize;
    case StunAttr::Fingerprint:
    case StunAttr::Priority:
      return 4;
    case StunAttr::UseCandidate:
      return 0;
    case StunAttr::IceControlled:
    case StunAttr::IceControlling:
      return 8;
    default:
      return -1;
  }
}

bool known(std::uint16_t type) {
  switch (static_cast<StunAttr>(type)) {
    case StunAttr::MappedAddress:
    case StunAttr::Username:
    case StunAttr::MessageIntegrity:
    case StunAttr::ErrorCode:
    case StunAttr::UnknownAttributes:
    case StunAttr::Realm:
    case StunAttr::Nonce:
    case StunAttr::XorMappedAddress:
    case StunAttr::Priority:
    case StunAttr::UseCandidate:
      return true;
    default:
      return type >= 0x8000;  // comprehension-optional: ignoring it is always fine
  }
}

void remember(std::uint32_t& slot, std::uint32_t offset) {
  if (slot == 0) slot = offset;
}

}  // namespace

std::optional<StunMessage> StunMessage::parse(std::span<const std::uint8_t> datagram) {
  if (datagram.size() < kStunHeaderSize) return std::nullopt;
  const std::uint8_t* p = datagram.data();
  if ((p[0] & 0xC0) != 0) return std::nullopt;
  if (load_u32(p + 4) != kStunMagicCookie) return std::nullopt;
  const std::size_t length = load_u16(p + 2);
  if (length % 4 != 0 || kStunHeaderSize + length != datagram.size()) return std::nullopt;

  StunMessage m;
  m.data_ = datagram;
  m.type_ = load_u16(p);
  std::size_t offset = kStunHeaderSize;
  while (offset < datagram.size()) {
    if (m.fingerprint_ != 0) return std::nullopt;  // FINGERPRINT must be the last attribute
    if (datagram.size() - offset < 4) return std::nullopt;
    const std::uint16_t type = load_u16(p + offset);
    const std::size_t value_length = load_u16(p + offset + 2);
    if (padded(value_length) > datagram.size() - offset - 4) return std::nullopt;
    const int fixed = fixed_size(type);
    if (fixed >= 0 && value_length != static_cast<std::size_t>(fixed)) return std::nullopt;
    // RFC 5389 15.4 says to ignore what follows MESSAGE-INTEGRITY; no ICE agent sends anything
    // there but FINGERPRINT, so anything else marks a message we refuse.
    if (m.integrity_ != 0 && type != static_cast<std::uint16_t>(StunAttr::Fingerprint)) {
      return std::nullopt;
    }
    const auto at = static_cast<std::uint32_t>(offset);
    switch (static_cast<StunAttr>(type)) {
      case StunAttr::Username:
        remember(m.username_, at);
        break;
      case StunAttr::Software:
        remember(m.software_, at);
        break;
      case StunAttr::Priority:
        remember(m.priority_, at);
        break;
      case StunAttr::UseCandidate:
        remember(m.use_candidate_, at);
        break;
      case StunAttr::IceControlling:
        remember(m.ice_controlling_, at);
        break;
      case StunAttr::IceControlled:
        remember(m.ice_controlled_, at);
        break;
      case StunAttr::XorMappedAddress:
        remember(m.xor_mapped_address_, at);
        break;
      case StunAttr::ErrorCode:
        if (value_length < 4) return std::nullopt;
        remember(m.error_code_, at);
        break;
      case StunAttr::MessageIntegrity:
        m.integrity_ = at;
        break;
      case StunAttr::Fingerprint:
        m.fingerprint_ = at;
        break;
      default:
        if (!known(type) && !m.unknown_required_) m.unknown_required_ = type;
        break;
    }
    offset += 4 + padded(value_length);
  }
  return m;
}

std::uint16_t StunMessage::method() const {
  return static_cast<std::uint16_t>((type_ & 0x000F) | ((type_ & 0x00E0) >> 1) |
                                    ((type_ & 0x3E00) >> 2));
}

std::uint8_t StunMessage::message_class() const {
  return static_cast<std::uint8_t>(((type_ >> 4) & 0x1) | ((type_ >> 7) & 0x2));
}

std::span<const std::uint8_t> StunMessage::value(std::uint32_t offset) const {
  const std::size_t length = load_u16(data_.data() + offset + 2);
  return data_.subspan(offset + 4, length);
}

std::optional<std::string_view> StunMessage::text(std::uint32_t offset) const {
  if (offset == 0) return std::nullopt;
  const auto v = value(offset);
  return std::string_view(reinterpret_cast<const char*>(v.data()), v.size());
}

std::optional<std::uint32_t> StunMessage::priority() const {
  if (priority_ == 0) return std::nullopt;
  return load_u32(value(priority_).data());
}

std::optional<std::uint64_t> StunMessage::ice_controlling() const {
  if (ice_controlling_ == 0) return std::nullopt;
  return load_u64(value(ice_controlling_).data());
}

std::optional<std::uint64_t> StunMessage::ice_controlled() const {
  if (ice_controlled_ == 0) return std::nullopt;
  return load_u64(value(ice_controlled_).data());
}

std::optional<TransportAddress> StunMessage::xor_mapped_address() const {
  if (xor_mapped_address_ == 0) return std::nullopt;
  const auto v = value(xor_mapped_address_);
  if (v.size() < 4) return std::nullopt;
  const std::uint8_t family = v[1];
  const auto port = static_cast<std::uint16_t>(load_u16(v.data() + 2) ^ (kStunMagicCookie >> 16));
  // The address is XORed with the cookie followed by the transaction id (bytes 4..19).
  const std::uint8_t* mask = data_.data() + 4;
  TransportAddress a;
  a.port = port;
  if (family == 0x01 && v.size() == 8) {
    for (std::size_t i = 0; i < 4; ++i) a.ip[i] = v[4 + i] ^ mask[i];
    return a;
  }
  if (family == 0x02 && v.size() == 20) {
    a.v6 = true;
    for (std::size_t i = 0; i < 16; ++i) a.ip[i] = v[4 + i] ^ mask[i];
    return a;
  }
  return std::nullopt;
}

std::optional<std::uint16_t> StunMessage::error_code() const {
  if (error_code_ == 0) return std::nullopt;
  const auto v = value(error_code_);
  const int klass = v[2] & 0x07;
  const int number = v[3];
  if (klass < 3 || klass > 6 || number > 99) return std::nullopt;
  return static_cast<std::uint16_t>(klass * 100 + number);
}

std::optional<std::string_view> StunMessage::error_reason() const {
  if (error_code_ == 0) return std::nullopt;
  const auto v = value(error_code_).subspan(4);
  return std::string_view(reinterpret_cast<const char*>(v.data()), v.size());
}

std::optional<std::uint16_t> StunMessage::unknown_required_attribute() const {
  return unknown_required_;
}

bool StunMessage::check_message_integrity(std::string_view key) const {
  if (integrity_ == 0) return false;
  // The header with the length field covering everything up to and including MI.
  std::array<std::uint8_t, kStunHeaderSize> header;
  std::copy_n(data_.data(), kStunHeaderSize, header.begin());
  store_u16(header.data() + 2,
            static_cast<std::uint16_t>(integrity_ + 4 + kIntegritySize - kStunHeaderSize));
  Sha1Digest digest;
  if (!hmac_sha1(key, header, data_.subspan(kStunHeaderSize, integrity_ - kStunHeaderSize),
                 digest)) {
    return false;
  }
  return CRYPTO_memcmp(digest.data(), data_.data() + integrity_ + 4, digest.size()) == 0;
}

bool StunMessage::check_fingerprint() const {
  if (fingerprint_ == 0) return false;
  const std::uint32_t expected = crc32(data_.first(fingerprint_)) ^ kFingerprintXor;
  return load_u32(data_.data() + fingerprint_ + 4) == expected;
}

}  // namespace confab::sfu
