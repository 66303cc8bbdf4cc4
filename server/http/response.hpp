#pragma once
#include <string>
#include <utility>
#include <vector>

namespace confab::http {

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static Response json(std::string body, int status = 200) {
    return {status, "application/json", std::move(body), {}};
  }
  static Response text(std::string body, int status = 200) {
    return {status, "text/plain; charset=utf-8", std::move(body), {}};
  }
};

}  // namespace confab::http
