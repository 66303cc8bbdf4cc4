#include "http/tls_context.hpp"

#include <ifaddrs.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <stdexcept>
#include <vector>

namespace confab::http {

namespace {

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using PKey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Ext = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;

struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};

std::string openssl_error() {
  std::array<char, 256> buf{};
  ERR_error_string_n(ERR_get_error(), buf.data(), buf.size());
  return buf.data();
}

void check(bool ok, const char* what) {
  if (!ok)
    throw std::runtime_error(std::string("self-signed certificate: ") + what + ": " +
                             openssl_error());
}

std::vector<std::string> subject_alt_names() {
  std::vector<std::string> names{"DNS:localhost", "IP:127.0.0.1", "IP:::1"};
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) == 0 && host[0] != '\0') {
    names.push_back(std::string("DNS:") + host.data());
  }
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) == 0) {
    for (ifaddrs* a = list; a; a = a->ifa_next) {
      if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET) continue;
      std::array<char, NI_MAXHOST> ip{};
      if (getnameinfo(a->ifa_addr, sizeof(sockaddr_in), ip.data(), ip.size(), nullptr, 0,
                      NI_NUMERICHOST) == 0 &&
          std::string_view(ip.data()) != "127.0.0.1") {
        names.push_back(std::string("IP:") + ip.data());
      }
    }
    freeifaddrs(list);
  }
  return names;
}

void add_extension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  Ext ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  check(ext != nullptr, "extension");
  check(X509_add_ext(cert, ext.get(), -1) == 1, "add extension");
}

void write_pem(const std::filesystem::path& path, mode_t mode, auto&& write) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    std::unique_ptr<FILE, FileCloser> f(std::fopen(tmp.c_str(), "wb"));
    check(f != nullptr, "open for writing");
    ::chmod(tmp.c_str(), mode);
    check(write(f.get()) == 1, "write PEM");
  }
  std::filesystem::rename(tmp, path);
}

}  // namespace

std::unique_ptr<boost::asio::ssl::context> make_tls_context(const TlsFiles& files) {
  auto ctx = std::make_unique<boost::asio::ssl::context>(boost::asio::ssl::context::tls_server);
  ctx->set_options(boost::asio::ssl::context::default_workarounds |
                   boost::asio::ssl::context::no_sslv2 | boost::asio::ssl::context::no_sslv3 |
                   boost::asio::ssl::context::no_tlsv1 | boost::asio::ssl::context::no_tlsv1_1 |
                   boost::asio::ssl::context::single_dh_use);
  try {
    ctx->use_certificate_chain_file(files.cert.string());
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot load TLS certificate " + files.cert.string() + ": " +
                             e.what());
  }
  try {
    ctx->use_private_key_file(files.key.string(), boost::asio::ssl::context::pem);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot load TLS key " + files.key.string() + ": " + e.what());
  }
  return ctx;
}

TlsFiles ensure_self_signed(const std::filesystem::path& dir) {
  TlsFiles files{dir / "self-signed.crt", dir / "self-signed.key"};
  if (std::filesystem::exists(files.cert) && std::filesystem::exists(files.key)) return files;
  std::filesystem::create_directories(dir);

  PKey key(EVP_EC_gen("P-256"));
  check(key != nullptr, "key generation");
  Cert cert(X509_new());
  check(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), 2);
  std::array<unsigned char, 16> serial{};
  check(RAND_bytes(serial.data(), serial.size()) == 1, "serial");
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial.data(), serial.size(), nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 60L * 60 * 24 * 397);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("confab"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("confab self-signed"), -1, -1,
                             0);
  X509_set_issuer_name(cert.get(), name);
  std::string san;
  for (const auto& n : subject_alt_names()) san += (san.empty() ? "" : ",") + n;
  add_extension(cert.get(), NID_subject_alt_name, san);
  add_extension(cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert.get(), NID_key_usage, "critical,digitalSignature");
  add_extension(cert.get(), NID_ext_key_usage, "serverAuth");
  check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "sign");

  write_pem(files.key, 0600, [&](FILE* f) {
    return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  });
  write_pem(files.cert, 0644, [&](FILE* f) { return PEM_write_X509(f, cert.get()); });
  return files;
}

}  // namespace confab::http
