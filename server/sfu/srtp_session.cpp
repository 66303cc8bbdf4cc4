#include "sfu/srtp_session.hpp"

#include <spdlog/spdlog.h>
#include <srtp2/srtp.h>

#include <algorithm>
#include <array>
#include <climits>
#include <mutex>

#include "sfu/srtp_openssl_crypto.hpp"

namespace confab::sfu {
namespace {

constexpr std::size_t kRtpHeader = 12;
constexpr std::size_t kRtcpHeader = 8;
// Larger than any UDP payload; keeps the int lengths libsrtp takes far from overflow.
constexpr std::size_t kMaxPacket = 65535;

static_assert(kSrtpMaxTrailer >= SRTP_MAX_TRAILER_LEN + 4);
static_assert(srtp_master_length(SrtpProfile::Aes128CmSha1_80) == SRTP_AES_ICM_128_KEY_LEN_WSALT);
static_assert(srtp_master_length(SrtpProfile::AeadAes128Gcm) == SRTP_AES_GCM_128_KEY_LEN_WSALT);

SrtpSession::Result map_status(srtp_err_status_t status) {
  switch (status) {
    case srtp_err_status_ok:
      return SrtpSession::Result::Ok;
    case srtp_err_status_auth_fail:
      return SrtpSession::Result::AuthFail;
    case srtp_err_status_replay_fail:
    case srtp_err_status_replay_old:
    case srtp_err_status_pkt_idx_old:
      return SrtpSession::Result::ReplayFail;
    case srtp_err_status_bad_param:
    case srtp_err_status_parse_err:
    case srtp_err_status_no_ctx:
    case srtp_err_status_bad_mki:
      return SrtpSession::Result::BadPacket;
    default:
      return SrtpSession::Result::Error;
  }
}

void log_from_libsrtp(srtp_log_level_t level, const char* message, void*) {
  switch (level) {
    case srtp_log_level_error:
      spdlog::error("libsrtp: {}", message);
      break;
    case srtp_log_level_warning:
      spdlog::warn("libsrtp: {}", message);
      break;
    default:
      spdlog::debug("libsrtp: {}", message);
      break;
  }
}

}  // namespace

namespace {

struct LibraryState {
  bool ready = false;
  bool openssl_crypto = false;
};

const LibraryState& library() {
  static std::once_flag once;
  static LibraryState state;
  std::call_once(once, [] {
    const srtp_err_status_t status = srtp_init();
    if (status != srtp_err_status_ok) {
      spdlog::error("srtp_init failed (libsrtp status {})", static_cast<int>(status));
      return;
    }
    srtp_install_log_handler(log_from_libsrtp, nullptr);
    state.openssl_crypto = detail::install_openssl_srtp_crypto();
    if (!state.openssl_crypto) {
      spdlog::warn("SRTP runs on libsrtp2's own crypto (NSS on Debian), several times slower");
    }
    state.ready = true;
  });
  return state;
}

}  // namespace

bool srtp_library_ready() {
  return library().ready;
}

const char* srtp_crypto_backend() {
  return library().openssl_crypto ? "openssl" : "libsrtp";
}

std::optional<SrtpSession> SrtpSession::create(SrtpProfile profile, Direction direction,
                                               std::span<const std::uint8_t> master_key_salt) {
  if (!srtp_library_ready()) return std::nullopt;
  if (master_key_salt.size() != srtp_master_length(profile)) {
    spdlog::error("SRTP {}: master key+salt is {} bytes, expected {}", srtp_profile_name(profile),
                  master_key_salt.size(), srtp_master_length(profile));
    return std::nullopt;
  }

  srtp_policy_t policy{};
  switch (profile) {
    case SrtpProfile::Aes128CmSha1_80:
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
      break;
    case SrtpProfile::AeadAes128Gcm:
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
      break;
  }
  policy.ssrc.type = direction == Direction::Inbound ? ssrc_any_inbound : ssrc_any_outbound;
  // libsrtp copies the key while creating the session; it never writes through this pointer.
  std::array<unsigned char, SRTP_MAX_KEY_LEN> key{};
  std::copy(master_key_salt.begin(), master_key_salt.end(), key.begin());
  policy.key = key.data();
  policy.window_size = 1024;
  policy.allow_repeat_tx = direction == Direction::Outbound ? 1 : 0;
  policy.next = nullptr;

  srtp_t ctx = nullptr;
  const srtp_err_status_t status = srtp_create(&ctx, &policy);
  std::fill(key.begin(), key.end(), 0);
  if (status != srtp_err_status_ok) {
    spdlog::error("SRTP {}: srtp_create failed (libsrtp status {})", srtp_profile_name(profile),
                  static_cast<int>(status));
    if (ctx != nullptr) srtp_dealloc(ctx);
    return std::nullopt;
  }
  return SrtpSession(profile, direction, ctx);
}

SrtpSession::SrtpSession(SrtpProfile profile, Direction direction, srtp_ctx_t_* ctx)
    : profile_(profile), direction_(direction), ctx_(ctx) {}

void SrtpSession::ContextFree::operator()(srtp_ctx_t_* ctx) const noexcept {
  srtp_dealloc(ctx);
}

std::size_t SrtpSession::rtp_trailer() const {
  return profile_ == SrtpProfile::AeadAes128Gcm ? 16 : 10;
}

SrtpSession::Result SrtpSession::protect_rtp(std::uint8_t* data, std::size_t& len,
                                             std::size_t capacity) {
  if (!ctx_ || direction_ != Direction::Outbound) return Result::Error;
  if (data == nullptr || len < kRtpHeader || len > kMaxPacket || capacity < len + rtp_trailer()) {
    return Result::BadPacket;
  }
  int n = static_cast<int>(len);
  const Result result = map_status(srtp_protect(ctx_.get(), data, &n));
  if (result == Result::Ok) len = static_cast<std::size_t>(n);
  return result;
}

SrtpSession::Result SrtpSession::unprotect_rtp(std::uint8_t* data, std::size_t& len) {
  if (!ctx_ || direction_ != Direction::Inbound) return Result::Error;
  if (data == nullptr || len < kRtpHeader + rtp_trailer() || len > kMaxPacket) {
    return Result::BadPacket;
  }
  int n = static_cast<int>(len);
  const Result result = map_status(srtp_unprotect(ctx_.get(), data, &n));
  if (result == Result::Ok) len = static_cast<std::size_t>(n);
  return result;
}

SrtpSession::Result SrtpSession::protect_rtcp(std::uint8_t* data, std::size_t& len,
                                              std::size_t capacity) {
  if (!ctx_ || direction_ != Direction::Outbound) return Result::Error;
  if (data == nullptr || len < kRtcpHeader || len > kMaxPacket || capacity < len + rtcp_trailer()) {
    return Result::BadPacket;
  }
  int n = static_cast<int>(len);
  const Result result = map_status(srtp_protect_rtcp(ctx_.get(), data, &n));
  if (result == Result::Ok) len = static_cast<std::size_t>(n);
  return result;
}

SrtpSession::Result SrtpSession::unprotect_rtcp(std::uint8_t* data, std::size_t& len) {
  if (!ctx_ || direction_ != Direction::Inbound) return Result::Error;
  if (data == nullptr || len < kRtcpHeader + rtcp_trailer() || len > kMaxPacket) {
    return Result::BadPacket;
  }
  int n = static_cast<int>(len);
  const Result result = map_status(srtp_unprotect_rtcp(ctx_.get(), data, &n));
  if (result == Result::Ok) len = static_cast<std::size_t>(n);
  return result;
}

bool srtp_profile_available(SrtpProfile profile) {
  std::array<std::uint8_t, 30> master{};
  for (std::size_t i = 0; i < master.size(); ++i) master[i] = static_cast<std::uint8_t>(i * 7 + 1);
  const auto key = std::span<const std::uint8_t>(master).first(srtp_master_length(profile));
  auto out = SrtpSession::create(profile, SrtpSession::Direction::Outbound, key);
  auto in = SrtpSession::create(profile, SrtpSession::Direction::Inbound, key);
  if (!out || !in) return false;

  // RTP v2, PT 96, seq 1, ts 0, SSRC 0x01020304, 8 payload bytes; then an RTCP RR.
  const std::array<std::uint8_t, 20> rtp{0x80, 0x60, 0x00, 0x01, 0,   0,   0,   0,   1,   2,
                                         3,    4,    'c',  'o',  'n', 'f', 'a', 'b', '!', '!'};
  const std::array<std::uint8_t, 8> rtcp{0x80, 201, 0x00, 0x01, 1, 2, 3, 4};
  std::array<std::uint8_t, 20 + kSrtpMaxTrailer> buffer{};

  std::copy(rtp.begin(), rtp.end(), buffer.begin());
  std::size_t len = rtp.size();
  if (out->protect_rtp(buffer.data(), len, buffer.size()) != SrtpSession::Result::Ok ||
      in->unprotect_rtp(buffer.data(), len) != SrtpSession::Result::Ok || len != rtp.size() ||
      !std::equal(rtp.begin(), rtp.end(), buffer.begin())) {
    spdlog::warn("SRTP {}: RTP self-test failed", srtp_profile_name(profile));
    return false;
  }
  std::copy(rtcp.begin(), rtcp.end(), buffer.begin());
  len = rtcp.size();
  if (out->protect_rtcp(buffer.data(), len, buffer.size()) != SrtpSession::Result::Ok ||
      in->unprotect_rtcp(buffer.data(), len) != SrtpSession::Result::Ok || len != rtcp.size() ||
      !std::equal(rtcp.begin(), rtcp.end(), buffer.begin())) {
    spdlog::warn("SRTP {}: RTCP self-test failed", srtp_profile_name(profile));
    return false;
  }
  return true;
}

const char* to_string(SrtpSession::Result result) {
  switch (result) {
    case SrtpSession::Result::Ok:
      return "ok";
    case SrtpSession::Result::AuthFail:
      return "authentication failed";
    case SrtpSession::Result::ReplayFail:
      return "replayed packet";
    case SrtpSession::Result::BadPacket:
      return "bad packet";
    case SrtpSession::Result::Error:
      return "error";
  }
  return "unknown";
}

}  // namespace confab::sfu
