#pragma once

#include <openssl/bio.h>
#include <openssl/ssl.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "sfu/srtp_profile.hpp"

namespace confab::sfu {

class DtlsCertificate;

// One SSL_CTX per media worker (DTLS 1.2, our certificate, use_srtp), shared by its transports.
// Not copyable; it must outlive every DtlsTransport made from it.
class DtlsContext {
 public:
  struct Options {
    // use_srtp in preference order (the server picks its first one the client offers).
    // Profiles libsrtp cannot run (srtp_profile_available) are left out; none left -> throws.
    std::vector<SrtpProfile> srtp_profiles{SrtpProfile::AeadAes128Gcm,
                                           SrtpProfile::Aes128CmSha1_80};
    // Largest datagram we send; OpenSSL fragments handshake messages to fit.
    std::size_t mtu = 1200;
    // Handshake retransmission: first timeout, doubled up to the maximum. OpenSSL gives up
    // after 12 retransmissions (~34 s with these values). At least 20 ms: OpenSSL counts a
    // timer with less than 15 ms left as expired.
    std::chrono::milliseconds initial_retransmit{100};
    std::chrono::milliseconds max_retransmit{4000};
  };

  // Throws std::runtime_error when OpenSSL refuses the configuration.
  explicit DtlsContext(const DtlsCertificate& certificate);
  DtlsContext(const DtlsCertificate& certificate, Options options);
  DtlsContext(const DtlsContext&) = delete;
  DtlsContext& operator=(const DtlsContext&) = delete;
  ~DtlsContext();

  SSL_CTX* native() { return ctx_.get(); }
  const std::string& fingerprint_sha256() const { return fingerprint_sha256_; }
  const Options& options() const { return options_; }
  // The profiles actually offered, in preference order.
  const std::vector<SrtpProfile>& srtp_profiles() const { return options_.srtp_profiles; }
  // The BIO type of our transports (datagram-wise writes to a callback, reads from a span).
  const BIO_METHOD* bio_method() const { return bio_method_.get(); }

 private:
  struct SslCtxFree {
    void operator()(SSL_CTX* ctx) const noexcept { SSL_CTX_free(ctx); }
  };
  struct BioMethodFree {
    void operator()(BIO_METHOD* method) const noexcept { BIO_meth_free(method); }
  };

  Options options_;
  std::string fingerprint_sha256_;
  std::unique_ptr<SSL_CTX, SslCtxFree> ctx_;
  std::unique_ptr<BIO_METHOD, BioMethodFree> bio_method_;
};

}  // namespace confab::sfu
