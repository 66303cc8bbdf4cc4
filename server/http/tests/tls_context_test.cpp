#include "http/tls_context.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace confab::http {
namespace {

namespace fs = std::filesystem;

TEST(TlsContext, SelfSignedIsGeneratedOnceAndLoads) {
  const fs::path dir = fs::temp_directory_path() / ("confab-tls-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  TlsFiles files = ensure_self_signed(dir);
  ASSERT_TRUE(fs::exists(files.cert));
  struct stat st {};
  ASSERT_EQ(::stat(files.key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);  // the private key is not world-readable
  const auto written = fs::last_write_time(files.cert);
  EXPECT_EQ(fs::last_write_time(ensure_self_signed(dir).cert), written);  // reused, not regenerated
  EXPECT_NE(make_tls_context(files), nullptr);
  fs::remove_all(dir);
}

TEST(TlsContext, MissingOrBadFilesGiveClearErrors) {
  const fs::path dir = fs::temp_directory_path() / ("confab-tls-bad-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "bad.pem") << "not a certificate";
  try {
    make_tls_context({dir / "bad.pem", dir / "missing.key"});
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.pem"), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace confab::http
