#include <algorithm>
#include <cstring>

#include "sfu/byte_io.hpp"
#include "sfu/stun_crypto.hpp"
#include "sfu/stun_message.hpp"

namespace confab::sfu {

namespace {
constexpr std::uint32_t kFingerprintXor = 0x5354554e;
constexpr std::size_t kMaxReason = 128;
}  // namespace

StunWriter::StunWriter(std::uint16_t type, std::span<const std::uint8_t, 12> transaction_id) {
  store_u16(buffer_.data(), static_cast<std::uint16_t>(type & 0x3FFF));
  store_u32(buffer_.data() + 4, kStunMagicCookie);
  std::copy(transaction_id.begin(), transaction_id.end(), buffer_.begin() + 8);
}

std::uint8_t* StunWriter::append(std::uint16_t type, std::size_t length) {
  const std::size_t padded = (length + 3) & ~std::size_t{3};
  if (failed_ || finished_ || length > 0xFFFF || kCapacity - size_ < 4 + padded) {
    failed_ = true;
    return nullptr;
  }
  std::uint8_t* p = buffer_.data() + size_;
  store_u16(p, type);
  store_u16(p + 2, static_cast<std::uint16_t>(length));
  std::fill(p + 4, p + 4 + padded, 0);
  size_ += 4 + padded;
  return p + 4;
}

void StunWriter::set_length_field(std::size_t body_length) {
  store_u16(buffer_.data() + 2, static_cast<std::uint16_t>(body_length));
}

StunWriter& StunWriter::attribute(std::uint16_t type, std::span<const std::uint8_t> value) {
  if (std::uint8_t* p = append(type, value.size())) {
    std::copy(value.begin(), value.end(), p);
  }
  return *this;
}

StunWriter& StunWriter::username(std::string_view value) {
  return attribute(static_cast<std::uint16_t>(StunAttr::Username),
                   {reinterpret_cast<const std::uint8_t*>(value.data()), value.size()});
}

StunWriter& StunWriter::software(std::string_view value) {
  return attribute(static_cast<std::uint16_t>(StunAttr::Software),
                   {reinterpret_cast<const std::uint8_t*>(value.data()), value.size()});
}

StunWriter& StunWriter::priority(std::uint32_t value) {
  if (std::uint8_t* p = append(static_cast<std::uint16_t>(StunAttr::Priority), 4)) {
    store_u32(p, value);
  }
  return *this;
}

StunWriter& StunWriter::use_candidate() {
  append(static_cast<std::uint16_t>(StunAttr::UseCandidate), 0);
  return *this;
}

StunWriter& StunWriter::ice_controlling(std::uint64_t tie_breaker) {
  if (std::uint8_t* p = append(static_cast<std::uint16_t>(StunAttr::IceControlling), 8)) {
    store_u64(p, tie_breaker);
  }
  return *this;
}

StunWriter& StunWriter::ice_controlled(std::uint64_t tie_breaker) {
  if (std::uint8_t* p = append(static_cast<std::uint16_t>(StunAttr::IceControlled), 8)) {
    store_u64(p, tie_breaker);
  }
  return *this;
}

StunWriter& StunWriter::xor_mapped_address(const TransportAddress& address) {
  const std::size_t ip_size = address.v6 ? 16 : 4;
  std::uint8_t* p = append(static_cast<std::uint16_t>(StunAttr::XorMappedAddress), 4 + ip_size);
  if (p == nullptr) return *this;
  p[0] = 0;
  p[1] = address.v6 ? 0x02 : 0x01;
  store_u16(p + 2, static_cast<std::uint16_t>(address.port ^ (kStunMagicCookie >> 16)));
  const std::uint8_t* mask = buffer_.data() + 4;  // cookie, then transaction id
  for (std::size_t i = 0; i < ip_size; ++i) p[4 + i] = address.ip[i] ^ mask[i];
  return *this;
}

StunWriter& StunWriter::error_code(int code, std::string_view reason) {
  if (code < 300 || code > 699) {
    failed_ = true;
    return *this;
  }
  reason = reason.substr(0, kMaxReason);
  std::uint8_t* p = append(static_cast<std::uint16_t>(StunAttr::ErrorCode), 4 + reason.size());
  if (p == nullptr) return *this;
  p[2] = static_cast<std::uint8_t>(code / 100);
  p[3] = static_cast<std::uint8_t>(code % 100);
  std::memcpy(p + 4, reason.data(), reason.size());
  return *this;
}

StunWriter& StunWriter::unknown_attributes(std::span<const std::uint16_t> types) {
  std::uint8_t* p =
      append(static_cast<std::uint16_t>(StunAttr::UnknownAttributes), types.size() * 2);
  if (p == nullptr) return *this;
  for (std::size_t i = 0; i < types.size(); ++i) store_u16(p + 2 * i, types[i]);
  return *this;
}

std::span<const std::uint8_t> StunWriter::finish_view(std::optional<std::string_view> integrity_key,
                                                      bool fingerprint) {
  if (integrity_key) {
    const std::size_t before = size_;
    std::uint8_t* p = append(static_cast<std::uint16_t>(StunAttr::MessageIntegrity), 20);
    if (p == nullptr) return {};
    // The length field counts MESSAGE-INTEGRITY as the last attribute.
    set_length_field(size_ - kStunHeaderSize);
    Sha1Digest digest;
    if (!hmac_sha1(*integrity_key, std::span(buffer_.data(), before), {}, digest)) {
      failed_ = true;
      return {};
    }
    std::copy(digest.begin(), digest.end(), p);
  }
  if (fingerprint) {
    const std::size_t before = size_;
    std::uint8_t* p = append(static_cast<std::uint16_t>(StunAttr::Fingerprint), 4);
    if (p == nullptr) return {};
    set_length_field(size_ - kStunHeaderSize);
    store_u32(p, crc32(std::span(buffer_.data(), before)) ^ kFingerprintXor);
  }
  if (failed_ || finished_) return {};
  finished_ = true;
  set_length_field(size_ - kStunHeaderSize);
  return {buffer_.data(), size_};
}

std::vector<std::uint8_t> StunWriter::finish(std::optional<std::string_view> integrity_key,
                                             bool fingerprint) {
  const auto view = finish_view(integrity_key, fingerprint);
  return {view.begin(), view.end()};
}

}  // namespace confab::sfu
