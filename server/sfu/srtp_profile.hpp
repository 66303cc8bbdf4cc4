#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace confab::sfu {

// The DTLS-SRTP protection profiles we negotiate (RFC 5764, RFC 7714).
enum class SrtpProfile { Aes128CmSha1_80, AeadAes128Gcm };

// Master key and salt lengths of a profile, in bytes.
constexpr std::size_t srtp_master_key_length(SrtpProfile) {
  return 16;
}
constexpr std::size_t srtp_master_salt_length(SrtpProfile profile) {
  return profile == SrtpProfile::AeadAes128Gcm ? 12 : 14;
}
constexpr std::size_t srtp_master_length(SrtpProfile profile) {
  return srtp_master_key_length(profile) + srtp_master_salt_length(profile);
}

// The name in OpenSSL's use_srtp list, e.g. "SRTP_AEAD_AES_128_GCM".
constexpr std::string_view srtp_profile_name(SrtpProfile profile) {
  return profile == SrtpProfile::AeadAes128Gcm ? "SRTP_AEAD_AES_128_GCM" : "SRTP_AES128_CM_SHA1_80";
}

}  // namespace confab::sfu
