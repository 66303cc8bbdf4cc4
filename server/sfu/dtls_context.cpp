#include "sfu/dtls_context.hpp"

#include <openssl/err.h>

#include <array>
#include <stdexcept>

#include "sfu/dtls_bio.hpp"
#include "sfu/dtls_certificate.hpp"
#include "sfu/srtp_session.hpp"

namespace confab::sfu {
namespace {

// ECDHE only (forward secrecy); ECDSA first since our certificate and the browsers' are
// P-256; RSA kept for peers that still use RSA certificates.
constexpr const char* kCipherList =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:"
    "ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA";

[[noreturn]] void throw_openssl(const char* what) {
  std::array<char, 256> detail{};
  ERR_error_string_n(ERR_get_error(), detail.data(), detail.size());
  ERR_clear_error();
  throw std::runtime_error(std::string("DTLS context: ") + what + ": " + detail.data());
}

// The peer's certificate is self-signed by design: it is authenticated afterwards by the
// fingerprint from signaling (DtlsTransport checks it when the handshake completes).
int accept_any_certificate(int, X509_STORE_CTX*) {
  return 1;
}

}  // namespace

DtlsContext::DtlsContext(const DtlsCertificate& certificate)
    : DtlsContext(certificate, Options{}) {}

DtlsContext::DtlsContext(const DtlsCertificate& certificate, Options options)
    : options_(std::move(options)), fingerprint_sha256_(certificate.fingerprint_sha256()) {
  std::erase_if(options_.srtp_profiles,
                [](SrtpProfile profile) { return !srtp_profile_available(profile); });
  if (options_.srtp_profiles.empty()) {
    throw std::runtime_error("DTLS context: no SRTP profile works with this libsrtp2");
  }
  if (options_.mtu < 256 || options_.mtu > 65507) {
    throw std::runtime_error("DTLS context: MTU out of range");
  }
  if (options_.initial_retransmit < std::chrono::milliseconds(20) ||
      options_.max_retransmit < options_.initial_retransmit ||
      options_.max_retransmit > std::chrono::seconds(60)) {
    throw std::runtime_error("DTLS context: retransmission timeouts out of range (20 ms - 60 s)");
  }

  ctx_.reset(SSL_CTX_new(DTLS_method()));
  if (!ctx_) throw_openssl("SSL_CTX_new");
  SSL_CTX* ctx = ctx_.get();
  // Browsers speak DTLS 1.2; 1.0 is obsolete (RFC 8996).
  if (SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) != 1 ||
      SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION) != 1) {
    throw_openssl("DTLS 1.2 only");
  }
  if (SSL_CTX_use_certificate(ctx, certificate.x509()) != 1) {
    throw_openssl("SSL_CTX_use_certificate");
  }
  if (SSL_CTX_use_PrivateKey(ctx, certificate.key()) != 1) throw_openssl("SSL_CTX_use_PrivateKey");
  if (SSL_CTX_check_private_key(ctx) != 1) throw_openssl("SSL_CTX_check_private_key");

  // Both roles ask for the peer's certificate (the server sends a CertificateRequest).
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                     accept_any_certificate);
  SSL_CTX_set_verify_depth(ctx, 4);
  // No PMTU discovery through the BIO (we set the MTU), no tickets, no session resumption, no
  // renegotiation: every association is a fresh full handshake.
  SSL_CTX_set_options(ctx, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION |
                               SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  // Read-ahead stays off (the default); the DTLS record layer reads whole datagrams anyway.
  SSL_CTX_set_read_ahead(ctx, 0);
  if (SSL_CTX_set_cipher_list(ctx, kCipherList) != 1) throw_openssl("SSL_CTX_set_cipher_list");
  // ECDH groups: P-256 for Chrome/Firefox, X25519 preferred when both have it.
  if (SSL_CTX_set1_groups_list(ctx, "X25519:P-256:P-384") != 1) {
    throw_openssl("SSL_CTX_set1_groups_list");
  }

  std::string use_srtp;
  for (SrtpProfile profile : options_.srtp_profiles) {
    if (!use_srtp.empty()) use_srtp += ':';
    use_srtp += srtp_profile_name(profile);
  }
  // Returns 0 on success, unlike most of OpenSSL.
  if (SSL_CTX_set_tlsext_use_srtp(ctx, use_srtp.c_str()) != 0) {
    throw_openssl("SSL_CTX_set_tlsext_use_srtp");
  }

  bio_method_.reset(detail::make_dtls_bio_method());
  if (!bio_method_) throw_openssl("BIO_meth_new");
}

DtlsContext::~DtlsContext() = default;

}  // namespace confab::sfu
