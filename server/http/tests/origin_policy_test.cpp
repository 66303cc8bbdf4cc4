#include "http/origin_policy.hpp"

#include <gtest/gtest.h>

namespace confab::http {
namespace {

http::Request req(std::string origin, std::string host) {
  http::Request r;
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

// Issue 12: a DNS-rebinding page (http://rebind.attacker.example resolving to this server)
// sends Origin and Host that agree. With a public URL the Host header no longer decides.
TEST(OriginPolicy, PublicUrlReplacesTheHostComparison) {
  OriginPolicy policy({}, *origin_of_url("https://meet.example.org/"));
  EXPECT_TRUE(policy.allows(req("https://meet.example.org", "meet.example.org")));
  EXPECT_TRUE(policy.allows(req("https://meet.example.org", "127.0.0.1:8080")));  // behind a proxy
  EXPECT_FALSE(policy.allows(req("http://rebind.attacker.example", "rebind.attacker.example")));
  EXPECT_FALSE(policy.allows(req("http://meet.example.org", "meet.example.org")));  // scheme counts
  EXPECT_TRUE(policy.allows(req("", "anything")));
  OriginPolicy with_list({"https://other.example.org"}, *origin_of_url("https://meet.example.org"));
  EXPECT_TRUE(with_list.allows(req("https://other.example.org", "x")));
}

TEST(OriginPolicy, OriginOfUrl) {
  EXPECT_EQ(origin_of_url("https://Meet.Example.org:443/app?x"), "https://meet.example.org");
  EXPECT_EQ(origin_of_url("http://meet.example.org:80"), "http://meet.example.org");
  EXPECT_EQ(origin_of_url("https://meet.example.org:8443/"), "https://meet.example.org:8443");
  EXPECT_EQ(origin_of_url("http://[::1]:8080"), "http://[::1]:8080");
  EXPECT_EQ(origin_of_url("ftp://meet.example.org"), std::nullopt);
  EXPECT_EQ(origin_of_url("meet.example.org"), std::nullopt);
  EXPECT_EQ(origin_of_url("https://"), std::nullopt);
  EXPECT_EQ(origin_of_url("https://user@meet.example.org"), std::nullopt);
}

}  // namespace
}  // namespace confab::http
