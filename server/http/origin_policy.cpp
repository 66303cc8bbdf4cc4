#include "http/origin_policy.hpp"

#include <algorithm>

namespace confab::http {

namespace {
std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}
}  // namespace

std::optional<std::string> origin_of_url(std::string_view url) {
  std::string text = lower(url);
  const std::size_t scheme_end = text.find("://");
  if (scheme_end == std::string::npos) return std::nullopt;
  const std::string scheme = text.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") return std::nullopt;
  std::string authority = text.substr(scheme_end + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (authority.empty() || authority.find('@') != std::string::npos) return std::nullopt;
  const std::string default_port = scheme == "https" ? ":443" : ":80";
  if (authority.ends_with(default_port)) authority.resize(authority.size() - default_port.size());
  if (authority.empty() || authority.front() == ':' || authority.back() == ':') return std::nullopt;
  return scheme + "://" + authority;
}

bool OriginPolicy::allows(const http::Request& request) const {
  if (request.origin.empty()) return true;
  const std::string origin = lower(request.origin);
  for (const auto& allowed : allowed_) {
    if (lower(allowed) == origin) return true;
  }
  if (!public_origin_.empty()) return origin == public_origin_;
  const size_t scheme_end = origin.find("://");
  if (scheme_end == std::string::npos) return false;
  const std::string scheme = origin.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") return false;
  auto host = request.headers.find("host");
  return host != request.headers.end() && origin.substr(scheme_end + 3) == lower(host->second);
}

}  // namespace confab::http
