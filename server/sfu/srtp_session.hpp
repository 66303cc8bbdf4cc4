#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "sfu/srtp_profile.hpp"

struct srtp_ctx_t_;  // libsrtp2's session; srtp.h stays out of our headers

namespace confab::sfu {

// Room a caller leaves after a packet for protect_*: enough for every profile (libsrtp's
// SRTP_MAX_TRAILER_LEN, plus SRTCP's 4-byte index). Each profile actually needs less, see
// SrtpSession::rtp_trailer / rtcp_trailer.
constexpr std::size_t kSrtpMaxTrailer = 144 + 4;

// Process-wide libsrtp initialisation (srtp_init, then our OpenSSL AES-ICM / AES-GCM /
// HMAC-SHA1 in place of libsrtp2's, see srtp_openssl_crypto.hpp), once. False (and logged) if
// srtp_init failed.
bool srtp_library_ready();

// "openssl" when our OpenSSL primitives passed libsrtp's self-tests and run SRTP, "libsrtp"
// when libsrtp2's own (NSS on Debian) remained. Initialises the library.
const char* srtp_crypto_backend();

// A start-time check: both directions of a session with this profile initialise and a test
// packet survives protect + unprotect. Debian builds libsrtp2 on NSS; this proves GCM works.
bool srtp_profile_available(SrtpProfile profile);

// One direction of SRTP + SRTCP for every SSRC of a transport (libsrtp's ssrc_any_inbound /
// ssrc_any_outbound), replay window 1024. Protect and unprotect work in place and allocate
// nothing, except libsrtp's per-SSRC stream the first time an SSRC is seen.
// Not thread-safe: a session belongs to one media worker.
class SrtpSession {
 public:
  enum class Direction { Inbound, Outbound };
  enum class Result { Ok, AuthFail, ReplayFail, BadPacket, Error };

  // master_key_salt = key || salt, srtp_master_length(profile) bytes. nullopt (and logged) if
  // the length is wrong or libsrtp refuses.
  static std::optional<SrtpSession> create(SrtpProfile profile, Direction direction,
                                           std::span<const std::uint8_t> master_key_salt);

  SrtpSession(SrtpSession&&) noexcept = default;
  SrtpSession& operator=(SrtpSession&&) noexcept = default;
  SrtpSession(const SrtpSession&) = delete;
  SrtpSession& operator=(const SrtpSession&) = delete;
  ~SrtpSession() = default;

  // In place. `capacity` is the bytes available at `data`; it must be at least
  // len + rtp_trailer() (rtcp_trailer()), kSrtpMaxTrailer always suffices, else BadPacket.
  // Outbound sessions allow protecting the same sequence number again (RTX / NACK resends).
  Result protect_rtp(std::uint8_t* data, std::size_t& len, std::size_t capacity);
  Result unprotect_rtp(std::uint8_t* data, std::size_t& len);
  Result protect_rtcp(std::uint8_t* data, std::size_t& len, std::size_t capacity);
  Result unprotect_rtcp(std::uint8_t* data, std::size_t& len);

  SrtpProfile profile() const { return profile_; }
  Direction direction() const { return direction_; }
  // Bytes protect_rtp / protect_rtcp add to a packet.
  std::size_t rtp_trailer() const;
  std::size_t rtcp_trailer() const { return rtp_trailer() + 4; }

 private:
  struct ContextFree {
    void operator()(srtp_ctx_t_* ctx) const noexcept;
  };

  SrtpSession(SrtpProfile profile, Direction direction, srtp_ctx_t_* ctx);

  SrtpProfile profile_;
  Direction direction_;
  std::unique_ptr<srtp_ctx_t_, ContextFree> ctx_;
};

const char* to_string(SrtpSession::Result result);

}  // namespace confab::sfu
