#pragma once

namespace confab::sfu::detail {

// Debian builds libsrtp2 on NSS, which sets up a PKCS#11 context for every packet (~40 us per
// 1200-byte AES-CM packet, ~10 us for GCM). This puts OpenSSL EVP implementations of the three
// primitives our profiles use (AES-ICM-128, also libsrtp's key derivation; AES-GCM-128;
// HMAC-SHA1) in their place through libsrtp's srtp_replace_cipher_type / srtp_replace_auth_type,
// which first runs libsrtp's own known-answer and round-trip self-tests on them. Call once,
// after srtp_init. False (libsrtp keeps its own) if a replacement was refused.
bool install_openssl_srtp_crypto();

}  // namespace confab::sfu::detail
