#include "sfu/srtp_openssl_crypto.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <spdlog/spdlog.h>
#include <srtp2/auth.h>
#include <srtp2/cipher.h>
#include <srtp2/srtp.h>

#include <array>
#include <cstring>
#include <memory>

// libsrtp2's known-answer tests for its own implementations (exported, not in its installed
// headers); the replacements carry them so libsrtp's self-test checks ours against them.
extern "C" {
extern const srtp_cipher_test_case_t srtp_aes_icm_128_test_case_0;
extern const srtp_cipher_test_case_t srtp_aes_gcm_128_test_case_0;
extern const srtp_auth_test_case_t srtp_hmac_test_case_0;
}

namespace confab::sfu::detail {
namespace {

// libsrtp's constants (crypto_types.h and the cipher sources).
constexpr int kAesKey = 16;
constexpr int kIcmKeyWithSalt = SRTP_AES_ICM_128_KEY_LEN_WSALT;  // 16 + 14
constexpr int kGcmKeyWithSalt = SRTP_AES_GCM_128_KEY_LEN_WSALT;  // 16 + 12
constexpr int kSha1Size = 20;

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const noexcept { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

// ---- AES-ICM-128 (RFC 3711 4.1.1): AES-CTR from salt XOR iv ----

struct IcmState {
  IcmState() = default;
  IcmState(const IcmState&) = delete;
  IcmState& operator=(const IcmState&) = delete;
  ~IcmState() { OPENSSL_cleanse(offset.data(), offset.size()); }

  CipherCtx ctx{EVP_CIPHER_CTX_new()};
  std::array<std::uint8_t, 16> offset{};  // the 14-byte salt, two zero bytes
};

extern const srtp_cipher_type_t kIcm128;

template <typename State>
srtp_err_status_t alloc_cipher(srtp_cipher_t** c, const srtp_cipher_type_t* type, int algorithm,
                               int key_len) {
  auto cipher = std::make_unique<srtp_cipher_t>();
  auto state = std::make_unique<State>();
  if (!state->ctx) return srtp_err_status_alloc_fail;
  cipher->type = type;
  cipher->algorithm = algorithm;
  cipher->key_len = key_len;
  // Ownership passes to libsrtp until it calls dealloc.
  cipher->state = state.release();
  *c = cipher.release();
  return srtp_err_status_ok;
}

template <typename State>
srtp_err_status_t dealloc_cipher(srtp_cipher_t* c) {
  std::unique_ptr<srtp_cipher_t> cipher(c);
  std::unique_ptr<State> state(static_cast<State*>(cipher->state));
  return srtp_err_status_ok;
}

srtp_err_status_t icm_alloc(srtp_cipher_t** c, int key_len, int) {
  if (key_len != kIcmKeyWithSalt) return srtp_err_status_bad_param;
  return alloc_cipher<IcmState>(c, &kIcm128, SRTP_AES_ICM_128, key_len);
}

srtp_err_status_t icm_init(void* s, const std::uint8_t* key) {
  auto* state = static_cast<IcmState*>(s);
  state->offset.fill(0);
  std::memcpy(state->offset.data(), key + kAesKey, SRTP_SALT_LEN);
  if (EVP_EncryptInit_ex(state->ctx.get(), EVP_aes_128_ctr(), nullptr, key, nullptr) != 1) {
    return srtp_err_status_init_fail;
  }
  return srtp_err_status_ok;
}

srtp_err_status_t icm_set_iv(void* s, std::uint8_t* iv, srtp_cipher_direction_t) {
  auto* state = static_cast<IcmState*>(s);
  std::array<std::uint8_t, 16> counter;
  for (std::size_t i = 0; i < counter.size(); ++i) counter[i] = state->offset[i] ^ iv[i];
  if (EVP_EncryptInit_ex(state->ctx.get(), nullptr, nullptr, nullptr, counter.data()) != 1) {
    return srtp_err_status_init_fail;
  }
  return srtp_err_status_ok;
}

// CTR mode: encryption and decryption are the same keystream XOR, in place.
srtp_err_status_t icm_crypt(void* s, std::uint8_t* buffer, unsigned int* len) {
  auto* state = static_cast<IcmState*>(s);
  int out = 0;
  if (EVP_EncryptUpdate(state->ctx.get(), buffer, &out, buffer, static_cast<int>(*len)) != 1 ||
      out != static_cast<int>(*len)) {
    return srtp_err_status_cipher_fail;
  }
  return srtp_err_status_ok;
}

constexpr char kIcmDescription[] = "AES-128 counter mode (OpenSSL, confab)";
const srtp_cipher_type_t kIcm128 = {
    icm_alloc,        dealloc_cipher<IcmState>,
    icm_init,         nullptr,
    icm_crypt,        icm_crypt,
    icm_set_iv,       nullptr,
    kIcmDescription,  &srtp_aes_icm_128_test_case_0,
    SRTP_AES_ICM_128,
};

// ---- AES-GCM-128 (RFC 7714): the tag is produced by get_tag and checked by decrypt ----

struct GcmState {
  CipherCtx ctx{EVP_CIPHER_CTX_new()};
  int tag_len = 16;
  srtp_cipher_direction_t direction = srtp_direction_any;
};

extern const srtp_cipher_type_t kGcm128;

srtp_err_status_t gcm_alloc(srtp_cipher_t** c, int key_len, int tag_len) {
  if (key_len != kGcmKeyWithSalt || (tag_len != 16 && tag_len != 8)) {
    return srtp_err_status_bad_param;
  }
  const srtp_err_status_t status = alloc_cipher<GcmState>(c, &kGcm128, SRTP_AES_GCM_128, key_len);
  if (status == srtp_err_status_ok) static_cast<GcmState*>((*c)->state)->tag_len = tag_len;
  return status;
}

srtp_err_status_t gcm_init(void* s, const std::uint8_t* key) {
  auto* state = static_cast<GcmState*>(s);
  state->direction = srtp_direction_any;
  if (EVP_CIPHER_CTX_reset(state->ctx.get()) != 1 ||
      EVP_CipherInit_ex(state->ctx.get(), EVP_aes_128_gcm(), nullptr, key, nullptr, 0) != 1) {
    return srtp_err_status_init_fail;
  }
  return srtp_err_status_ok;
}

srtp_err_status_t gcm_set_iv(void* s, std::uint8_t* iv, srtp_cipher_direction_t direction) {
  auto* state = static_cast<GcmState*>(s);
  if (direction != srtp_direction_encrypt && direction != srtp_direction_decrypt) {
    return srtp_err_status_bad_param;
  }
  state->direction = direction;
  // The 12-byte IV is OpenSSL's GCM default.
  if (EVP_CipherInit_ex(state->ctx.get(), nullptr, nullptr, nullptr, iv,
                        direction == srtp_direction_encrypt ? 1 : 0) != 1) {
    return srtp_err_status_init_fail;
  }
  return srtp_err_status_ok;
}

srtp_err_status_t gcm_set_aad(void* s, const std::uint8_t* aad, std::uint32_t len) {
  auto* state = static_cast<GcmState*>(s);
  int out = 0;
  if (EVP_CipherUpdate(state->ctx.get(), nullptr, &out, aad, static_cast<int>(len)) != 1) {
    return srtp_err_status_algo_fail;
  }
  return srtp_err_status_ok;
}

srtp_err_status_t gcm_encrypt(void* s, std::uint8_t* buffer, unsigned int* len) {
  auto* state = static_cast<GcmState*>(s);
  if (state->direction != srtp_direction_encrypt) return srtp_err_status_bad_param;
  int out = 0;
  if (EVP_CipherUpdate(state->ctx.get(), buffer, &out, buffer, static_cast<int>(*len)) != 1 ||
      out != static_cast<int>(*len)) {
    return srtp_err_status_cipher_fail;
  }
  return srtp_err_status_ok;
}

srtp_err_status_t gcm_get_tag(void* s, std::uint8_t* tag, std::uint32_t* len) {
  auto* state = static_cast<GcmState*>(s);
  std::array<std::uint8_t, 16> rest;  // GCM's final step outputs no bytes
  int out = 0;
  if (EVP_CipherFinal_ex(state->ctx.get(), rest.data(), &out) != 1 ||
      EVP_CIPHER_CTX_ctrl(state->ctx.get(), EVP_CTRL_AEAD_GET_TAG, state->tag_len, tag) != 1) {
    return srtp_err_status_algo_fail;
  }
  *len = static_cast<std::uint32_t>(state->tag_len);
  return srtp_err_status_ok;
}

// `len` includes the tag at the end; on success it is reduced by the tag.
srtp_err_status_t gcm_decrypt(void* s, std::uint8_t* buffer, unsigned int* len) {
  auto* state = static_cast<GcmState*>(s);
  if (state->direction != srtp_direction_decrypt) return srtp_err_status_bad_param;
  if (*len < static_cast<unsigned int>(state->tag_len)) return srtp_err_status_bad_param;
  const int text = static_cast<int>(*len) - state->tag_len;
  int out = 0;
  if (EVP_CIPHER_CTX_ctrl(state->ctx.get(), EVP_CTRL_AEAD_SET_TAG, state->tag_len, buffer + text) !=
          1 ||
      EVP_CipherUpdate(state->ctx.get(), buffer, &out, buffer, text) != 1 || out != text) {
    return srtp_err_status_auth_fail;
  }
  std::array<std::uint8_t, 16> rest;
  if (EVP_CipherFinal_ex(state->ctx.get(), rest.data(), &out) != 1) {
    return srtp_err_status_auth_fail;
  }
  *len = static_cast<unsigned int>(text);
  return srtp_err_status_ok;
}

constexpr char kGcmDescription[] = "AES-128 GCM (OpenSSL, confab)";
const srtp_cipher_type_t kGcm128 = {
    gcm_alloc,        dealloc_cipher<GcmState>,
    gcm_init,         gcm_set_aad,
    gcm_encrypt,      gcm_decrypt,
    gcm_set_iv,       gcm_get_tag,
    kGcmDescription,  &srtp_aes_gcm_128_test_case_0,
    SRTP_AES_GCM_128,
};

// ---- HMAC-SHA1 (RFC 3711 4.2.1) ----

struct MacFree {
  void operator()(EVP_MAC* mac) const noexcept { EVP_MAC_free(mac); }
};
struct MacCtxFree {
  void operator()(EVP_MAC_CTX* ctx) const noexcept { EVP_MAC_CTX_free(ctx); }
};

struct HmacState {
  std::unique_ptr<EVP_MAC, MacFree> mac{EVP_MAC_fetch(nullptr, "HMAC", nullptr)};
  std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx{mac ? EVP_MAC_CTX_new(mac.get()) : nullptr};
};

extern const srtp_auth_type_t kHmacSha1;

srtp_err_status_t hmac_alloc(srtp_auth_t** a, int key_len, int out_len) {
  if (out_len > kSha1Size || out_len < 0 || key_len < 0) return srtp_err_status_bad_param;
  auto auth = std::make_unique<srtp_auth_t>();
  auto state = std::make_unique<HmacState>();
  if (!state->ctx) return srtp_err_status_alloc_fail;
  auth->type = &kHmacSha1;
  auth->out_len = out_len;
  auth->key_len = key_len;
  auth->prefix_len = 0;
  auth->state = state.release();  // libsrtp owns it until dealloc
  *a = auth.release();
  return srtp_err_status_ok;
}

srtp_err_status_t hmac_dealloc(srtp_auth_t* a) {
  std::unique_ptr<srtp_auth_t> auth(a);
  std::unique_ptr<HmacState> state(static_cast<HmacState*>(auth->state));
  return srtp_err_status_ok;
}

srtp_err_status_t hmac_init(void* s, const std::uint8_t* key, int key_len) {
  auto* state = static_cast<HmacState*>(s);
  char digest[] = "SHA1";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_end(),
  };
  if (EVP_MAC_init(state->ctx.get(), key, static_cast<std::size_t>(key_len), params) != 1) {
    return srtp_err_status_auth_fail;
  }
  return srtp_err_status_ok;
}

// Back to the keyed state (OpenSSL >= 3.0.3 re-initialises with the same key).
srtp_err_status_t hmac_start(void* s) {
  auto* state = static_cast<HmacState*>(s);
  return EVP_MAC_init(state->ctx.get(), nullptr, 0, nullptr) == 1 ? srtp_err_status_ok
                                                                  : srtp_err_status_auth_fail;
}

srtp_err_status_t hmac_update(void* s, const std::uint8_t* data, int len) {
  auto* state = static_cast<HmacState*>(s);
  return EVP_MAC_update(state->ctx.get(), data, static_cast<std::size_t>(len)) == 1
             ? srtp_err_status_ok
             : srtp_err_status_auth_fail;
}

srtp_err_status_t hmac_compute(void* s, const std::uint8_t* data, int len, int tag_len,
                               std::uint8_t* tag) {
  auto* state = static_cast<HmacState*>(s);
  if (tag_len < 0 || tag_len > kSha1Size) return srtp_err_status_bad_param;
  std::array<std::uint8_t, kSha1Size> digest;
  std::size_t out = 0;
  if (EVP_MAC_update(state->ctx.get(), data, static_cast<std::size_t>(len)) != 1 ||
      EVP_MAC_final(state->ctx.get(), digest.data(), &out, digest.size()) != 1 ||
      out < static_cast<std::size_t>(tag_len)) {
    return srtp_err_status_auth_fail;
  }
  std::memcpy(tag, digest.data(), static_cast<std::size_t>(tag_len));
  return srtp_err_status_ok;
}

constexpr char kHmacDescription[] = "HMAC-SHA1 (OpenSSL, confab)";
const srtp_auth_type_t kHmacSha1 = {
    hmac_alloc,       hmac_dealloc,           hmac_init,      hmac_compute, hmac_update, hmac_start,
    kHmacDescription, &srtp_hmac_test_case_0, SRTP_HMAC_SHA1,
};

}  // namespace

bool install_openssl_srtp_crypto() {
  bool ok = true;
  if (const auto s = srtp_replace_cipher_type(&kIcm128, SRTP_AES_ICM_128);
      s != srtp_err_status_ok) {
    spdlog::warn("libsrtp refused the OpenSSL AES-ICM-128 (status {})", static_cast<int>(s));
    ok = false;
  }
  if (const auto s = srtp_replace_cipher_type(&kGcm128, SRTP_AES_GCM_128);
      s != srtp_err_status_ok) {
    spdlog::warn("libsrtp refused the OpenSSL AES-GCM-128 (status {})", static_cast<int>(s));
    ok = false;
  }
  if (const auto s = srtp_replace_auth_type(&kHmacSha1, SRTP_HMAC_SHA1); s != srtp_err_status_ok) {
    spdlog::warn("libsrtp refused the OpenSSL HMAC-SHA1 (status {})", static_cast<int>(s));
    ok = false;
  }
  return ok;
}

}  // namespace confab::sfu::detail
