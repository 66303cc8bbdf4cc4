#pragma once
// Which browser origins may open Engine.IO sessions: the server's own origin and a configured
// list. The own origin is the public URL when one is configured (--public-url); without it,
// the Origin's host must equal the Host header, which a DNS-rebinding page controls (its
// hostname resolves to this server, so Origin and Host agree). Requests without an Origin
// (non-browser clients) are allowed: the check stops cross-site pages, which always send one.
#include <optional>
#include <string>
#include <vector>

#include "http/message.hpp"

namespace confab::http {

// `scheme://host[:port]` of an http(s) URL, lower case, without a default port or a path, as
// browsers send it in Origin; nullopt when `url` is not an http(s) URL with a host.
std::optional<std::string> origin_of_url(std::string_view url);

class OriginPolicy {
 public:
  // `public_origin`: as returned by origin_of_url; empty: compare with the Host header.
  explicit OriginPolicy(std::vector<std::string> allowed, std::string public_origin = {})
      : allowed_(std::move(allowed)), public_origin_(std::move(public_origin)) {}
  bool allows(const http::Request& request) const;

 private:
  std::vector<std::string> allowed_;
  std::string public_origin_;
};

}  // namespace confab::http
