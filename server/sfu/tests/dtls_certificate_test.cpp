#include "sfu/dtls_certificate.hpp"

#include <gtest/gtest.h>
#include <openssl/ec.h>
#include <openssl/x509v3.h>

#include <cctype>
#include <ctime>

#include "sfu/dtls_context.hpp"

namespace confab::sfu {
namespace {

TEST(DtlsCertificate, FingerprintIsUppercaseHexPairs) {
  const DtlsCertificate cert = DtlsCertificate::generate();
  const std::string& fp = cert.fingerprint_sha256();
  ASSERT_EQ(fp.size(), 32u * 3 - 1);
  for (std::size_t i = 0; i < fp.size(); ++i) {
    if (i % 3 == 2) {
      EXPECT_EQ(fp[i], ':');
    } else {
      EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(fp[i])) || (fp[i] >= 'A' && fp[i] <= 'F'))
          << fp;
    }
  }
  EXPECT_EQ(fp, certificate_fingerprint(cert.x509(), EVP_sha256()));
  EXPECT_EQ(certificate_fingerprint(cert.x509(), EVP_sha1()).size(), 20u * 3 - 1);
}

TEST(DtlsCertificate, IsAFreshSelfSignedP256CertificateValidNow) {
  const DtlsCertificate a = DtlsCertificate::generate();
  const DtlsCertificate b = DtlsCertificate::generate();
  EXPECT_NE(a.fingerprint_sha256(), b.fingerprint_sha256());

  EXPECT_EQ(EVP_PKEY_get_base_id(a.key()), EVP_PKEY_EC);
  char group[64] = {};
  size_t group_len = 0;
  ASSERT_EQ(EVP_PKEY_get_utf8_string_param(a.key(), "group", group, sizeof group, &group_len), 1);
  EXPECT_STREQ(group, "prime256v1");

  EXPECT_EQ(X509_verify(a.x509(), a.key()), 1);  // self-signed
  EXPECT_EQ(X509_verify(a.x509(), b.key()), 0);
  std::time_t now = std::time(nullptr);
  EXPECT_LT(X509_cmp_time(X509_get0_notBefore(a.x509()), &now), 0);
  EXPECT_GT(X509_cmp_time(X509_get0_notAfter(a.x509()), &now), 0);
  std::time_t in_a_week = now + 7 * 24 * 3600;
  EXPECT_GT(X509_cmp_time(X509_get0_notAfter(a.x509()), &in_a_week), 0);
}

TEST(DtlsContext, OffersBothProfilesAndTheCertificateFingerprint) {
  const DtlsCertificate cert = DtlsCertificate::generate();
  DtlsContext ctx(cert);
  EXPECT_EQ(ctx.fingerprint_sha256(), cert.fingerprint_sha256());
  ASSERT_NE(ctx.native(), nullptr);
  // Debian's libsrtp2 (NSS) runs AES-GCM, so both are offered, GCM first.
  EXPECT_EQ(ctx.srtp_profiles(),
            (std::vector<SrtpProfile>{SrtpProfile::AeadAes128Gcm, SrtpProfile::Aes128CmSha1_80}));
  EXPECT_EQ(SSL_CTX_get_verify_mode(ctx.native()),
            SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT);
}

TEST(DtlsContext, RefusesNonsense) {
  const DtlsCertificate cert = DtlsCertificate::generate();
  DtlsContext::Options none;
  none.srtp_profiles.clear();
  EXPECT_THROW(DtlsContext(cert, none), std::runtime_error);
  DtlsContext::Options tiny;
  tiny.mtu = 10;
  EXPECT_THROW(DtlsContext(cert, tiny), std::runtime_error);
}

}  // namespace
}  // namespace confab::sfu
