#include "http/static_files.hpp"

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include "http/mime.hpp"

namespace confab::http {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kNotBuiltPage =
    "<!doctype html><meta charset=utf-8><title>confab</title>"
    "<h1>confab server is running</h1><p>The web app is not built: run <code>make run</code>.</p>";

// Rejects traversal and hidden files; returns the relative path or nothing.
std::optional<fs::path> safe_relative(std::string_view url_path) {
  if (url_path.empty() || url_path[0] != '/' || url_path.find('\0') != std::string_view::npos ||
      url_path.find('\\') != std::string_view::npos) {
    return std::nullopt;
  }
  fs::path rel;
  size_t start = 1;
  while (start <= url_path.size()) {
    size_t end = url_path.find('/', start);
    if (end == std::string_view::npos) end = url_path.size();
    std::string_view segment = url_path.substr(start, end - start);
    if (!segment.empty()) {
      if (segment[0] == '.') return std::nullopt;
      rel /= fs::path(std::string(segment));
    }
    start = end + 1;
  }
  return rel;
}

// True when Accept-Encoding lists `coding` with a non-zero quality.
bool accepts(std::string_view accept_encoding, std::string_view coding) {
  size_t start = 0;
  while (start < accept_encoding.size()) {
    size_t end = accept_encoding.find(',', start);
    if (end == std::string_view::npos) end = accept_encoding.size();
    std::string_view item = accept_encoding.substr(start, end - start);
    start = end + 1;
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    const size_t semi = item.find(';');
    std::string_view name = item.substr(0, semi);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (name != coding) continue;
    if (semi == std::string_view::npos) return true;
    const size_t q = item.find("q=", semi);
    return q == std::string_view::npos ||
           std::strtod(std::string(item.substr(q + 2)).c_str(), nullptr) > 0;
  }
  return false;
}

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return std::move(out).str();
}

std::string etag_of(const fs::path& path, std::string_view coding) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  const auto mtime = fs::last_write_time(path, ec).time_since_epoch().count();
  std::ostringstream tag;
  tag << '"' << std::hex << size << '-' << mtime;
  if (!coding.empty()) tag << '-' << coding;
  tag << '"';
  return tag.str();
}

bool is_regular(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

}  // namespace

StaticFiles::StaticFiles(fs::path root) : root_(std::move(root)) {}

Response StaticFiles::serve(const StaticRequest& request) const {
  auto rel = safe_relative(request.path);
  if (!rel) return Response::text("Not Found\n", 404);
  fs::path target = root_ / *rel;
  std::error_code ec;
  if (fs::is_directory(target, ec)) target /= "index.html";
  if (is_regular(target)) return file(target, request.path, request);

  // Client-side routes (no file extension) get the app shell.
  const std::string_view last = request.path.substr(request.path.rfind('/') + 1);
  if (last.find('.') != std::string_view::npos) return Response::text("Not Found\n", 404);
  const fs::path index = root_ / "index.html";
  if (is_regular(index)) return file(index, "/index.html", request);
  Response page{200, "text/html; charset=utf-8", std::string(kNotBuiltPage), {}};
  page.headers.emplace_back("Cache-Control", "no-cache");
  return page;
}

Response StaticFiles::file(const fs::path& path, std::string_view url_path,
                           const StaticRequest& request) const {
  fs::path chosen = path;
  std::string_view coding;
  for (std::string_view candidate : {"br", "gzip"}) {
    const fs::path variant = path.string() + (candidate == "br" ? ".br" : ".gz");
    if (accepts(request.accept_encoding, candidate) && is_regular(variant)) {
      chosen = variant;
      coding = candidate;
      break;
    }
  }
  Response r;
  r.content_type = std::string(mime_type(path.string()));
  const std::string etag = etag_of(chosen, coding);
  r.headers.emplace_back("ETag", etag);
  r.headers.emplace_back("Vary", "Accept-Encoding");
  // Vite puts content-hashed names under /assets/: they never change.
  const bool hashed = url_path.starts_with("/assets/");
  r.headers.emplace_back("Cache-Control",
                         hashed ? "public, max-age=31536000, immutable" : "no-cache");
  if (!coding.empty()) r.headers.emplace_back("Content-Encoding", std::string(coding));
  if (!request.if_none_match.empty() &&
      request.if_none_match.find(etag) != std::string_view::npos) {
    r.status = 304;
    return r;
  }
  auto body = read_file(chosen);
  if (!body) return Response::text("Not Found\n", 404);
  r.body = std::move(*body);
  return r;
}

}  // namespace confab::http
