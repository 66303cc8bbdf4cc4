#include "sfu/dtls_transport.hpp"

#include <openssl/err.h>
#include <openssl/srtp.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <climits>
#include <cstring>
#include <stdexcept>

#include "common/hex.hpp"
#include "sfu/dtls_bio.hpp"
#include "sfu/dtls_certificate.hpp"
#include "sfu/dtls_context.hpp"

namespace confab::sfu {

// The BIO between OpenSSL and the caller. OpenSSL writes each DTLS record with its own
// BIO_write, already fragmented to the MTU (SSL_set_mtu; we report nothing pending, so it never
// packs two records into one datagram): each write goes straight out as one datagram, as
// OpenSSL's own datagram BIO would do, with no copy. Reads return the current datagram whole,
// so the record layer sees datagram boundaries (a datagram may carry several records, as
// Chrome's ClientHello does).
struct DtlsBio {
  static DtlsTransport* transport(BIO* bio) {
    return static_cast<DtlsTransport*>(BIO_get_data(bio));
  }

  static int write(BIO* bio, const char* data, int len) {
    BIO_clear_retry_flags(bio);
    DtlsTransport* t = transport(bio);
    if (t == nullptr || len < 0) return -1;
    if (len > 0 && t->cb_.send) {
      t->cb_.send(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(data),
                                                static_cast<std::size_t>(len)));
    }
    return len;
  }

  static int read(BIO* bio, char* out, int size) {
    BIO_clear_retry_flags(bio);
    DtlsTransport* t = transport(bio);
    if (t == nullptr || size <= 0) return -1;
    if (t->incoming_.empty()) {
      BIO_set_retry_read(bio);
      return -1;
    }
    const std::size_t n = std::min(t->incoming_.size(), static_cast<std::size_t>(size));
    std::memcpy(out, t->incoming_.data(), n);
    t->incoming_ = t->incoming_.subspan(n);
    return static_cast<int>(n);
  }

  static long ctrl(BIO* bio, int cmd, long, void*) {
    DtlsTransport* t = transport(bio);
    switch (cmd) {
      case BIO_CTRL_FLUSH:
        return 1;
      case BIO_CTRL_PENDING:
        return t != nullptr ? static_cast<long>(t->incoming_.size()) : 0;
      case BIO_CTRL_WPENDING:
        return 0;
      case BIO_CTRL_DGRAM_QUERY_MTU:
      case BIO_CTRL_DGRAM_GET_FALLBACK_MTU:
        return t != nullptr ? static_cast<long>(t->ctx_.options().mtu) : 0;
      case BIO_CTRL_DGRAM_GET_MTU_OVERHEAD:
        return 0;
      default:
        return 0;
    }
  }

  static int create(BIO* bio) {
    BIO_set_init(bio, 1);
    return 1;
  }

  static int destroy(BIO* bio) {
    if (bio == nullptr) return 0;
    BIO_set_data(bio, nullptr);
    return 1;
  }

  // OpenSSL asks for the next retransmission timeout: initial, then doubled up to the max.
  static unsigned int timer(SSL* ssl, unsigned int previous_us) {
    const DtlsTransport* t = transport(SSL_get_rbio(ssl));
    const auto& options = t->ctx_.options();
    const auto initial_us = static_cast<unsigned long long>(
        std::chrono::microseconds(options.initial_retransmit).count());
    const auto max_us =
        static_cast<unsigned long long>(std::chrono::microseconds(options.max_retransmit).count());
    const unsigned long long next =
        previous_us == 0 ? initial_us : std::min(2ULL * previous_us, max_us);
    return static_cast<unsigned int>(std::clamp<unsigned long long>(next, 1, UINT_MAX));
  }

  static void info(const SSL* ssl, int where, int ret) {
    if ((where & SSL_CB_READ_ALERT) == 0) return;
    DtlsTransport* t = transport(SSL_get_rbio(ssl));
    if (t != nullptr) t->peer_alert_ = SSL_alert_desc_string_long(ret);
  }
};

namespace detail {

BIO_METHOD* make_dtls_bio_method() {
  BIO_METHOD* method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "confab-dtls");
  if (method == nullptr) return nullptr;
  BIO_meth_set_write(method, DtlsBio::write);
  BIO_meth_set_read(method, DtlsBio::read);
  BIO_meth_set_ctrl(method, DtlsBio::ctrl);
  BIO_meth_set_create(method, DtlsBio::create);
  BIO_meth_set_destroy(method, DtlsBio::destroy);
  return method;
}

}  // namespace detail

namespace {

const EVP_MD* digest_by_name(std::string_view algorithm) {
  std::string name(algorithm);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (name == "sha-256") return EVP_sha256();
  if (name == "sha-1") return EVP_sha1();
  if (name == "sha-224") return EVP_sha224();
  if (name == "sha-384") return EVP_sha384();
  if (name == "sha-512") return EVP_sha512();
  return nullptr;
}

std::optional<SrtpProfile> negotiated_profile(SSL* ssl) {
  const SRTP_PROTECTION_PROFILE* profile = SSL_get_selected_srtp_profile(ssl);
  if (profile == nullptr) return std::nullopt;
  switch (profile->id) {
    case SRTP_AES128_CM_SHA1_80:
      return SrtpProfile::Aes128CmSha1_80;
    case SRTP_AEAD_AES_128_GCM:
      return SrtpProfile::AeadAes128Gcm;
    default:
      return std::nullopt;
  }
}

}  // namespace

DtlsTransport::DtlsTransport(DtlsContext& ctx, DtlsRole role, Callbacks cb)
    : ctx_(ctx), role_(role), cb_(std::move(cb)), ssl_(SSL_new(ctx.native())) {
  if (!ssl_) throw std::runtime_error("DTLS transport: SSL_new failed");
  BIO* bio = BIO_new(ctx.bio_method());
  if (bio == nullptr) throw std::runtime_error("DTLS transport: BIO_new failed");
  BIO_set_data(bio, this);
  // The same BIO reads and writes; SSL_set_bio takes its single reference.
  SSL_set_bio(ssl_.get(), bio, bio);
  const auto mtu = static_cast<long>(ctx.options().mtu);
  DTLS_set_link_mtu(ssl_.get(), mtu);
  SSL_set_mtu(ssl_.get(), mtu);
  DTLS_set_timer_cb(ssl_.get(), DtlsBio::timer);
  SSL_set_info_callback(ssl_.get(), DtlsBio::info);
}

DtlsTransport::~DtlsTransport() = default;

bool DtlsTransport::set_remote_fingerprint(std::string_view algorithm, std::string_view value) {
  remote_fingerprint_.reset();
  fingerprint_invalid_ = false;
  const EVP_MD* md = digest_by_name(algorithm);
  auto digest = md != nullptr
                    ? common::parse_colon_hex(value, static_cast<std::size_t>(EVP_MD_get_size(md)))
                    : std::nullopt;
  if (!digest) {
    fingerprint_invalid_ = true;
    if (handshake_done_ && state_ == State::Connecting) {
      fail("the remote fingerprint is malformed or of an unknown algorithm");
    }
    return false;
  }
  remote_fingerprint_ = RemoteFingerprint{md, std::move(*digest)};
  if (handshake_done_ && state_ == State::Connecting) verify_and_connect();
  return true;
}

void DtlsTransport::start() {
  if (state_ != State::New) return;
  state_ = State::Connecting;
  if (role_ == DtlsRole::Client) {
    SSL_set_connect_state(ssl_.get());
    advance();
  } else {
    SSL_set_accept_state(ssl_.get());
  }
}

void DtlsTransport::receive(std::span<const std::uint8_t> datagram) {
  if (state_ == State::New && role_ == DtlsRole::Server) start();
  if (state_ != State::Connecting && state_ != State::Connected) return;
  if (datagram.empty()) return;
  incoming_ = datagram;
  advance();
  incoming_ = {};
}

void DtlsTransport::advance() {
  if (!handshake_done_) {
    ERR_clear_error();
    const int ret = SSL_do_handshake(ssl_.get());
    if (ret != 1) {
      const int error = SSL_get_error(ssl_.get(), ret);
      if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) {
        fail(describe_error(ret, "handshake"));
      }
      return;
    }
    handshake_done_ = true;
    handshake_finished();
  }
  // Records after the handshake: the peer's retransmitted last flight (OpenSSL answers it),
  // alerts, close_notify, application data.
  read_records();
}

void DtlsTransport::read_records() {
  // A DTLS record holds at most 2^14 bytes of plaintext.
  std::array<std::uint8_t, 16384> buffer;
  while (state_ == State::Connecting || state_ == State::Connected) {
    ERR_clear_error();
    const int n = SSL_read(ssl_.get(), buffer.data(), static_cast<int>(buffer.size()));
    if (n > 0) {
      if (state_ == State::Connected && cb_.application_data) {
        cb_.application_data(
            std::span<const std::uint8_t>(buffer.data(), static_cast<std::size_t>(n)));
      }
      continue;
    }
    const int error = SSL_get_error(ssl_.get(), n);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) return;
    if (error == SSL_ERROR_ZERO_RETURN) {
      state_ = State::Closed;
      if (cb_.closed) cb_.closed();
      return;
    }
    fail(describe_error(n, "read"));
    return;
  }
}

void DtlsTransport::handshake_finished() {
  if (remote_fingerprint_) {
    verify_and_connect();
  } else if (fingerprint_invalid_) {
    fail("the remote fingerprint is malformed or of an unknown algorithm");
  }
  // Otherwise wait in Connecting for set_remote_fingerprint().
}

void DtlsTransport::verify_and_connect() {
  X509* peer = SSL_get0_peer_certificate(ssl_.get());
  if (peer == nullptr) {
    fail("the peer sent no certificate");
    return;
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (X509_digest(peer, remote_fingerprint_->md, digest.data(), &length) != 1 ||
      !std::equal(digest.begin(), digest.begin() + length, remote_fingerprint_->digest.begin(),
                  remote_fingerprint_->digest.end())) {
    ERR_clear_error();
    // Tell the peer we are done with it rather than leave it waiting.
    SSL_shutdown(ssl_.get());
    fail("the peer's certificate does not match the remote fingerprint");
    return;
  }

  const auto profile = negotiated_profile(ssl_.get());
  if (!profile) {
    fail("no SRTP profile was negotiated (use_srtp)");
    return;
  }
  // RFC 5764 4.2: client key, server key, client salt, server salt.
  const std::size_t key_len = srtp_master_key_length(*profile);
  const std::size_t salt_len = srtp_master_salt_length(*profile);
  std::array<std::uint8_t, 2 * (16 + 14)> material{};
  static constexpr char kLabel[] = "EXTRACTOR-dtls_srtp";
  if (SSL_export_keying_material(ssl_.get(), material.data(), 2 * (key_len + salt_len), kLabel,
                                 sizeof kLabel - 1, nullptr, 0, 0) != 1) {
    fail(describe_error(0, "key export"));
    return;
  }
  const std::uint8_t* client_key = material.data();
  const std::uint8_t* server_key = client_key + key_len;
  const std::uint8_t* client_salt = server_key + key_len;
  const std::uint8_t* server_salt = client_salt + salt_len;
  auto master = [&](const std::uint8_t* key, const std::uint8_t* salt) {
    std::vector<std::uint8_t> out(key, key + key_len);
    out.insert(out.end(), salt, salt + salt_len);
    return out;
  };
  SrtpKeys keys{*profile, master(client_key, client_salt), master(server_key, server_salt)};
  if (role_ == DtlsRole::Server) std::swap(keys.local_master, keys.remote_master);
  OPENSSL_cleanse(material.data(), material.size());

  state_ = State::Connected;
  if (cb_.connected) cb_.connected(keys);
  OPENSSL_cleanse(keys.local_master.data(), keys.local_master.size());
  OPENSSL_cleanse(keys.remote_master.data(), keys.remote_master.size());
}

std::optional<std::chrono::milliseconds> DtlsTransport::timeout() const {
  if (state_ != State::Connecting && state_ != State::Connected) return std::nullopt;
  timeval tv{};
  if (DTLSv1_get_timeout(ssl_.get(), &tv) != 1) return std::nullopt;
  // Rounded up: a caller that waits the reported time finds the timer expired.
  const auto us = std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec);
  return std::chrono::ceil<std::chrono::milliseconds>(us);
}

void DtlsTransport::handle_timeout() {
  if (state_ != State::Connecting && state_ != State::Connected) return;
  ERR_clear_error();
  if (DTLSv1_handle_timeout(ssl_.get()) < 0) fail(describe_error(-1, "retransmission"));
}

void DtlsTransport::close() {
  if (state_ == State::Closed || state_ == State::Failed) return;
  if (handshake_done_) {
    ERR_clear_error();
    SSL_shutdown(ssl_.get());
  }
  state_ = State::Closed;
}

void DtlsTransport::fail(std::string_view reason) {
  if (state_ == State::Failed || state_ == State::Closed) return;
  state_ = State::Failed;
  ERR_clear_error();
  if (cb_.failed) cb_.failed(reason);
}

std::string DtlsTransport::describe_error(int ret, std::string_view during) {
  const unsigned long error = ERR_peek_last_error();
  // OpenSSL gives up after 12 retransmissions, in handle_timeout or in a read.
  if (ERR_GET_LIB(error) == ERR_LIB_SSL && ERR_GET_REASON(error) == SSL_R_READ_TIMEOUT_EXPIRED) {
    return "the DTLS handshake timed out (no answer to 12 retransmissions)";
  }
  std::string reason = "DTLS " + std::string(during) + " failed";
  if (peer_alert_ != nullptr) {
    reason += ": the peer sent alert '";
    reason += peer_alert_;
    reason += '\'';
  }
  if (error != 0) {
    std::array<char, 256> detail{};
    ERR_error_string_n(error, detail.data(), detail.size());
    reason += ": ";
    reason += detail.data();
  } else if (ret < 0) {
    reason += " (SSL error " + std::to_string(SSL_get_error(ssl_.get(), ret)) + ")";
  }
  return reason;
}

const char* to_string(DtlsTransport::State state) {
  switch (state) {
    case DtlsTransport::State::New:
      return "new";
    case DtlsTransport::State::Connecting:
      return "connecting";
    case DtlsTransport::State::Connected:
      return "connected";
    case DtlsTransport::State::Failed:
      return "failed";
    case DtlsTransport::State::Closed:
      return "closed";
  }
  return "unknown";
}

}  // namespace confab::sfu
