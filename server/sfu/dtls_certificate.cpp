#include "sfu/dtls_certificate.hpp"

#include <openssl/err.h>
#include <openssl/rand.h>

#include <array>
#include <cstdint>
#include <stdexcept>

namespace confab::sfu {
namespace {

constexpr long kValiditySeconds = 30L * 24 * 60 * 60;

[[noreturn]] void throw_openssl(const char* what) {
  std::array<char, 256> detail{};
  ERR_error_string_n(ERR_get_error(), detail.data(), detail.size());
  ERR_clear_error();
  throw std::runtime_error(std::string("DTLS certificate: ") + what + ": " + detail.data());
}

void check(int ok, const char* what) {
  if (ok != 1) throw_openssl(what);
}

}  // namespace

std::string certificate_fingerprint(X509* x509, const EVP_MD* md) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  check(X509_digest(x509, md, digest.data(), &length), "X509_digest");
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(length * 3);
  for (unsigned int i = 0; i < length; ++i) {
    if (i > 0) out.push_back(':');
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0x0f]);
  }
  return out;
}

DtlsCertificate::DtlsCertificate(std::unique_ptr<EVP_PKEY, EvpPkeyFree> key,
                                 std::unique_ptr<X509, X509Free> x509)
    : key_(std::move(key)),
      x509_(std::move(x509)),
      fingerprint_sha256_(certificate_fingerprint(x509_.get(), EVP_sha256())) {}

DtlsCertificate DtlsCertificate::generate() {
  std::unique_ptr<EVP_PKEY, EvpPkeyFree> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) throw_openssl("EC P-256 key generation");

  std::unique_ptr<X509, X509Free> x509(X509_new());
  if (!x509) throw_openssl("X509_new");
  check(X509_set_version(x509.get(), X509_VERSION_3), "X509_set_version");

  // A random positive 63-bit serial: certificates of two workers never look alike.
  std::uint64_t serial = 0;
  check(RAND_bytes(reinterpret_cast<unsigned char*>(&serial), sizeof serial), "RAND_bytes");
  check(ASN1_INTEGER_set_uint64(X509_get_serialNumber(x509.get()), serial >> 1),
        "ASN1_INTEGER_set_uint64");

  // Valid from a month ago: peers with a clock behind ours still accept it.
  if (!X509_gmtime_adj(X509_getm_notBefore(x509.get()), -kValiditySeconds) ||
      !X509_gmtime_adj(X509_getm_notAfter(x509.get()), kValiditySeconds)) {
    throw_openssl("X509_gmtime_adj");
  }
  check(X509_set_pubkey(x509.get(), key.get()), "X509_set_pubkey");

  X509_NAME* name = X509_get_subject_name(x509.get());
  check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>("confab"), -1, -1, 0),
        "X509_NAME_add_entry_by_txt");
  check(X509_set_issuer_name(x509.get(), name), "X509_set_issuer_name");
  if (X509_sign(x509.get(), key.get(), EVP_sha256()) <= 0) throw_openssl("X509_sign");

  return DtlsCertificate(std::move(key), std::move(x509));
}

}  // namespace confab::sfu
