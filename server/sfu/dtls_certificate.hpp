#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

namespace confab::sfu {

struct X509Free {
  void operator()(X509* x) const noexcept { X509_free(x); }
};
struct EvpPkeyFree {
  void operator()(EVP_PKEY* k) const noexcept { EVP_PKEY_free(k); }
};

// An EC P-256 key and a self-signed X.509 certificate, made when a worker starts. Browsers pin
// it by the fingerprint in the SDP, so nothing else about it matters.
class DtlsCertificate {
 public:
  // Throws std::runtime_error when OpenSSL fails.
  static DtlsCertificate generate();

  // "AB:CD:..." (uppercase hex pairs), as in SDP a=fingerprint:sha-256.
  const std::string& fingerprint_sha256() const { return fingerprint_sha256_; }
  X509* x509() const { return x509_.get(); }
  EVP_PKEY* key() const { return key_.get(); }

 private:
  DtlsCertificate(std::unique_ptr<EVP_PKEY, EvpPkeyFree> key, std::unique_ptr<X509, X509Free> x509);

  std::unique_ptr<EVP_PKEY, EvpPkeyFree> key_;
  std::unique_ptr<X509, X509Free> x509_;
  std::string fingerprint_sha256_;
};

// The certificate's digest under `md` as "AB:CD:...". Throws std::runtime_error on failure.
std::string certificate_fingerprint(X509* x509, const EVP_MD* md);

}  // namespace confab::sfu
