#include "fakes/k8s/selectors.h"

#include <gtest/gtest.h>

namespace pd::fake_k8s {
namespace {

using Json = nlohmann::json;

bool label_match(const std::string& selector, const Json& labels) {
  auto parsed = LabelSelector::parse(selector);
  EXPECT_TRUE(parsed.is_ok()) << parsed.status().message();
  return parsed.is_ok() && parsed.value().matches(labels);
}

TEST(LabelSelector, SupportsEveryOperator) {
  Json labels = {{"app", "web"}, {"tier", "front"}, {"app.kubernetes.io/version", "1.0"}};
  EXPECT_TRUE(label_match("", labels));
  EXPECT_TRUE(label_match("app=web", labels));
  EXPECT_TRUE(label_match("app==web,tier=front", labels));
  EXPECT_FALSE(label_match("app=api", labels));
  EXPECT_TRUE(label_match("app!=api", labels));
  EXPECT_TRUE(label_match("missing!=x", labels));
  EXPECT_TRUE(label_match("app in (api, web)", labels));
  EXPECT_FALSE(label_match("app notin (web)", labels));
  EXPECT_TRUE(label_match("missing notin (web)", labels));
  EXPECT_TRUE(label_match("tier", labels));
  EXPECT_FALSE(label_match("!tier", labels));
  EXPECT_TRUE(label_match("!missing", labels));
  EXPECT_TRUE(label_match("app.kubernetes.io/version=1.0", labels));
  EXPECT_FALSE(label_match("app", Json()));
}

TEST(LabelSelector, RejectsBadSyntax) {
  auto parsed = LabelSelector::parse("app in web");
  ASSERT_FALSE(parsed.is_ok());
  EXPECT_EQ(parsed.status().message(),
            "unable to parse requirement: found 'web', expected: '(' (in \"app in web\")");
  EXPECT_FALSE(LabelSelector::parse("a=b,,c").is_ok());
}

TEST(FieldSelector, MatchesNameNamespaceAndPhase) {
  Json pod = {{"metadata", {{"name", "p"}, {"namespace", "demo"}}},
              {"status", {{"phase", "Running"}}}};
  auto selector = FieldSelector::parse("metadata.name=p,metadata.namespace==demo");
  ASSERT_TRUE(selector.is_ok());
  EXPECT_TRUE(selector.value().matches(pod));
  EXPECT_FALSE(FieldSelector::parse("status.phase!=Running").value().matches(pod));
  EXPECT_EQ(FieldSelector::parse("spec.nodeName=x").status().message(),
            "field label not supported: spec.nodeName");
}

}  // namespace
}  // namespace pd::fake_k8s
