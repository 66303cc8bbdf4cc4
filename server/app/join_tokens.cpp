#include "app/join_tokens.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/base64.hpp"
#include "common/clock.hpp"
#include "common/crypto.hpp"
#include "meeting/error_code.hpp"
#include "meeting/join_token.hpp"
#include "meeting/validation.hpp"

namespace confab::app {

namespace {

constexpr std::size_t kMinSecretLength = 16;
constexpr std::size_t kGeneratedSecretBytes = 32;

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
    text.pop_back();
  return text;
}

std::string read_secret(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream contents;
  contents << in.rdbuf();
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::string secret = trimmed(contents.str());
  if (secret.size() < kMinSecretLength) {
    throw std::runtime_error(path.string() +
                             " holds fewer than 16 characters; delete it to get a new secret");
  }
  return secret;
}

// Creates the file exclusively with mode 0600, so the secret is never readable by others.
// false if it exists already (another process may have just made it).
bool create_secret(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR);
  if (fd < 0 && errno == EEXIST) return false;
  if (fd < 0)
    throw std::runtime_error("cannot create " + path.string() + ": " + std::strerror(errno));
  const std::string secret =
      common::base64url_encode(common::crypto::secure_random_bytes(kGeneratedSecretBytes)) + "\n";
  const bool written =
      ::write(fd, secret.data(), secret.size()) == static_cast<ssize_t>(secret.size());
  const bool closed = ::close(fd) == 0;
  if (!written || !closed) {
    std::filesystem::remove(path);
    throw std::runtime_error("cannot write " + path.string());
  }
  return true;
}

}  // namespace

std::string resolve_jwt_secret(const Config& config) {
  if (!config.jwt_secret.empty()) {
    if (config.jwt_secret.size() < kMinSecretLength) {
      throw std::runtime_error("--jwt-secret must be at least 16 characters");
    }
    return config.jwt_secret;
  }
  std::filesystem::create_directories(config.data_dir);
  const auto path = std::filesystem::path(config.data_dir) / kJwtSecretFile;
  create_secret(path);
  return read_secret(path);
}

std::string mint_join_token(const Config& config) {
  const TokenCommand& request = config.token;
  meeting::JoinTokenClaims claims;
  try {
    meeting::validate_room_id(request.room);
    claims.name = meeting::validate_display_name(request.name);
  } catch (const meeting::RequestError& error) {
    throw std::runtime_error(error.what());
  }
  claims.room = request.room;
  claims.role = request.role == "host" ? meeting::Role::host : meeting::Role::guest;
  const std::int64_t now = common::unix_time_ms() / 1000;
  claims.exp = now + request.ttl_s;
  return meeting::JoinTokenCodec(resolve_jwt_secret(config)).mint(claims, now);
}

}  // namespace confab::app
