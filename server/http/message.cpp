#include "http/message.hpp"

#include "common/hex.hpp"

namespace confab::http {

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%' && i + 2 < text.size() && common::hex_digit_value(text[i + 1]) >= 0 &&
               common::hex_digit_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(common::hex_digit_value(text[i + 1]) * 16 +
                                      common::hex_digit_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

Query parse_query(std::string_view query) {
  Query out;
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view pair = query.substr(start, end - start);
    if (!pair.empty()) {
      const size_t eq = pair.find('=');
      std::string key = percent_decode(pair.substr(0, eq));
      std::string value = eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1));
      out.emplace(std::move(key), std::move(value));
    }
    start = end + 1;
  }
  return out;
}

}  // namespace confab::http
