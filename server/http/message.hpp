#pragma once
// An HTTP request and response as the layers above the socket code see them: plain values,
// no Beast. The Beast connection fills a Request and writes a Response; Engine.IO and the REST
// handlers take one and return the other, and unit tests build them by hand.
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace confab::http {

using Query = std::map<std::string, std::string, std::less<>>;

// Parses "a=1&b=x%20y"; malformed percent escapes are kept as they are.
Query parse_query(std::string_view query);
std::string percent_decode(std::string_view text);

struct Request {
  std::string method;  // "GET", "POST", ...
  Query query;
  std::string body;
  std::string origin;                                       // Origin header, empty when absent
  std::string remote_address;                               // peer IP
  std::map<std::string, std::string, std::less<>> headers;  // lower-case names
};

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
