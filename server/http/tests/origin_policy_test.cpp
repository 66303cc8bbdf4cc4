#include <gtest/gtest.h>

#include "http/origin_policy.hpp"

namespace confab::http {
namespace {

engineio::HttpRequest req(std::string origin, std::string host) {
  engineio::HttpRequest r;
  r.origin = std::move(origin);
  if (!host.empty()) r.headers.emplace("host", std::move(host));
  return r;
}

TEST(OriginPolicy, AllowsSameOriginConfiguredAndNonBrowser) {
  OriginPolicy policy({"https://meet.example.org"});
  EXPECT_TRUE(policy.allows(req("http://localhost:8080", "localhost:8080")));
  EXPECT_TRUE(policy.allows(req("https://MEET.example.org", "10.0.0.5:8080")));
  EXPECT_TRUE(policy.allows(req("", "localhost:8080")));
}

TEST(OriginPolicy, RefusesCrossSiteAndMalformed) {
  OriginPolicy policy({});
  EXPECT_FALSE(policy.allows(req("https://evil.example", "localhost:8080")));
  EXPECT_FALSE(policy.allows(req("http://localhost:9999", "localhost:8080")));
  EXPECT_FALSE(policy.allows(req("null", "localhost:8080")));
  EXPECT_FALSE(policy.allows(req("ftp://localhost:8080", "localhost:8080")));
  EXPECT_FALSE(policy.allows(req("http://localhost:8080", "")));
}

}  // namespace
}  // namespace confab::http
