#pragma once
// TLS for HTTPS and WSS on the listening port.
#include <boost/asio/ssl/context.hpp>
#include <filesystem>
#include <memory>
#include <string>

namespace confab::http {

struct TlsFiles {
  std::filesystem::path cert;  // PEM chain, leaf first
  std::filesystem::path key;   // PEM private key
};

// Throws std::runtime_error naming the file when it cannot be loaded.
std::unique_ptr<boost::asio::ssl::context> make_tls_context(const TlsFiles& files);

// A self-signed certificate for this machine (localhost, its host name and addresses),
// generated once under `dir` and reused after: LAN users get a secure context.
TlsFiles ensure_self_signed(const std::filesystem::path& dir);

}  // namespace confab::http
