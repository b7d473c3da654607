#include "engine/js/net_policy.h"

#include <gtest/gtest.h>

namespace pd::js {
namespace {

HttpUrl url(const std::string& text) { return parse_http_url(text).value(); }

TEST(NetPolicy, DeniesEverythingByDefault) {
  EXPECT_FALSE(NetPolicy().allows(url("https://api.github.com/")));
}

TEST(NetPolicy, MatchesHostsPortsAndSubdomainWildcards) {
  NetPolicy policy({"api.github.com", "localhost:8080", "*.example.com", "[::1]:9000"});
  EXPECT_TRUE(policy.allows(url("https://api.github.com/repos")));
  EXPECT_TRUE(policy.allows(url("http://api.github.com:8443/")));
  EXPECT_TRUE(policy.allows(url("http://localhost:8080/")));
  EXPECT_FALSE(policy.allows(url("http://localhost:8081/")));
  EXPECT_TRUE(policy.allows(url("https://a.b.example.com/")));
  EXPECT_FALSE(policy.allows(url("https://example.com.evil.io/")));
  EXPECT_TRUE(policy.allows(url("http://[::1]:9000/")));
  EXPECT_TRUE(NetPolicy::allow_all().allows(url("https://anything.dev/")));
}

TEST(NetPolicy, NamesTheHostAndTheCapabilityToAdd) {
  Status status = NetPolicy({"a.dev"}).check(url("https://api.slack.com/x"));
  EXPECT_EQ(status.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(status.message(),
            "Requires net access to \"api.slack.com:443\": add \"api.slack.com\" to the node's "
            "capabilities.net in workflow.yaml");
}

}  // namespace
}  // namespace pd::js
