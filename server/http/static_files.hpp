#pragma once
// The built web app: files under a root, SPA fallback to index.html for routes
// such as /r/<room>, validators for revalidation, precompressed variants.
#include <filesystem>
#include <string_view>

#include "http/message.hpp"

namespace confab::http {

struct StaticRequest {
  std::string_view path;  // percent-decoded, without the query
  std::string_view accept_encoding;
  std::string_view if_none_match;
};

class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path root);
  Response serve(const StaticRequest& request) const;

 private:
  Response file(const std::filesystem::path& path, std::string_view url_path,
                const StaticRequest& request) const;

  std::filesystem::path root_;
};

}  // namespace confab::http
