#include "http/static_files.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "http/mime.hpp"

namespace confab::http {
namespace {

namespace fs = std::filesystem;

std::string header(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return {};
}

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root = fs::temp_directory_path() /
           ("confab-static-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(root / "assets");
    write("index.html", "<html>app</html>");
    write("assets/app-1a2b3c.js", "console.log(1)");
    write("assets/app-1a2b3c.js.br", "BROTLI");
    write("assets/app-1a2b3c.js.gz", "GZIP");
    write("favicon.svg", "<svg/>");
    write(".env", "secret");
  }
  void TearDown() override { fs::remove_all(root); }
  void write(const std::string& rel, const std::string& content) {
    std::ofstream(root / rel) << content;
  }
  Response get(std::string_view path, std::string_view enc = {}, std::string_view inm = {}) {
    return StaticFiles(root).serve({path, enc, inm});
  }
  fs::path root;
};

TEST_F(StaticFilesTest, ServesIndexForRootAndSpaRoutes) {
  for (auto path : {"/", "/r/standup", "/r/standup/"}) {
    auto r = get(path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.body, "<html>app</html>") << path;
    EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
    EXPECT_EQ(header(r, "Cache-Control"), "no-cache");
  }
}

TEST_F(StaticFilesTest, MissingFileWithExtensionIs404) {
  EXPECT_EQ(get("/assets/missing.js").status, 404);
}

TEST_F(StaticFilesTest, RejectsTraversalAndHiddenFiles) {
  EXPECT_EQ(get("/../etc/passwd").status, 404);
  EXPECT_EQ(get("/assets/../../x.js").status, 404);
  EXPECT_EQ(get("/.env").status, 404);
  EXPECT_EQ(get("relative").status, 404);
}

TEST_F(StaticFilesTest, HashedAssetsAreImmutableWithMime) {
  auto r = get("/assets/app-1a2b3c.js");
  EXPECT_EQ(r.body, "console.log(1)");
  EXPECT_EQ(r.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(header(r, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(get("/favicon.svg").content_type, "image/svg+xml");
}

TEST_F(StaticFilesTest, PrefersPrecompressedVariants) {
  auto br = get("/assets/app-1a2b3c.js", "gzip, deflate, br");
  EXPECT_EQ(br.body, "BROTLI");
  EXPECT_EQ(header(br, "Content-Encoding"), "br");
  EXPECT_EQ(br.content_type, "text/javascript; charset=utf-8");
  auto gz = get("/assets/app-1a2b3c.js", "gzip");
  EXPECT_EQ(gz.body, "GZIP");
  EXPECT_EQ(header(gz, "Content-Encoding"), "gzip");
  EXPECT_EQ(get("/assets/app-1a2b3c.js", "br;q=0, gzip").body, "GZIP");
  EXPECT_EQ(get("/assets/app-1a2b3c.js", "identity").body, "console.log(1)");
  EXPECT_EQ(header(gz, "Vary"), "Accept-Encoding");
}

TEST_F(StaticFilesTest, EtagRevalidationGives304) {
  auto first = get("/favicon.svg");
  const std::string etag = header(first, "ETag");
  ASSERT_FALSE(etag.empty());
  auto again = get("/favicon.svg", {}, etag);
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(get("/favicon.svg", {}, "\"other\"").status, 200);
}

TEST_F(StaticFilesTest, PlaceholderPageWhenAppNotBuilt) {
  fs::remove(root / "index.html");
  auto r = get("/r/room");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("confab server is running"), std::string::npos);
}

TEST(Mime, KnownAndUnknownTypes) {
  EXPECT_EQ(mime_type("a/b.css"), "text/css; charset=utf-8");
  EXPECT_EQ(mime_type("x.woff2"), "font/woff2");
  EXPECT_EQ(mime_type("x.unknown"), "application/octet-stream");
  EXPECT_EQ(mime_type("dir.d/noext"), "application/octet-stream");
}

}  // namespace
}  // namespace confab::http
