#include "http/origin_policy.hpp"

#include <algorithm>

namespace confab::http {

namespace {
std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}
}  // namespace

bool OriginPolicy::allows(const engineio::HttpRequest& request) const {
  if (request.origin.empty()) return true;
  const std::string origin = lower(request.origin);
  for (const auto& allowed : allowed_) {
    if (lower(allowed) == origin) return true;
  }
  const size_t scheme_end = origin.find("://");
  if (scheme_end == std::string::npos) return false;
  const std::string scheme = origin.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") return false;
  auto host = request.headers.find("host");
  return host != request.headers.end() && origin.substr(scheme_end + 3) == lower(host->second);
}

}  // namespace confab::http
