#pragma once
// Which browser origins may open Engine.IO sessions: the server's own origin (the
// Origin's host equals the Host header) and a configured list. Requests without an
// Origin (non-browser clients) are allowed: the check stops cross-site pages, which
// always send one.
#include <string>
#include <vector>

#include "engineio/http_types.hpp"

namespace confab::http {

class OriginPolicy {
 public:
  explicit OriginPolicy(std::vector<std::string> allowed) : allowed_(std::move(allowed)) {}
  bool allows(const engineio::HttpRequest& request) const;

 private:
  std::vector<std::string> allowed_;
};

}  // namespace confab::http
