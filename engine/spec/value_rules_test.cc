#include "engine/spec/value_rules.h"

#include <gtest/gtest.h>

namespace pd::spec {
namespace {

TEST(ValueRules, WorkflowNamesAreKebabCaseDnsLabels) {
  EXPECT_EQ(check_workflow_name("github-digest"), std::nullopt);
  EXPECT_EQ(check_workflow_name("a1-b2"), std::nullopt);
  for (const char* bad : {"Github", "a--b", "-a", "a-", "1abc", "a_b", "a.b", ""}) {
    EXPECT_NE(check_workflow_name(bad), std::nullopt) << bad;
  }
}

TEST(ValueRules, VersionBecomesALabel) {
  EXPECT_EQ(version_label("1.0"), "1-0");
  EXPECT_EQ(version_label("1.2.0-rc.1"), "1-2-0-rc-1");
  EXPECT_EQ(check_version(std::string(62, '1') + ".0"),
            "version is 64 characters long; as a Kubernetes label it allows at most 63");
}

TEST(ValueRules, NatsSubjects) {
  EXPECT_EQ(check_nats_subject("events.github.push", false), std::nullopt);
  EXPECT_EQ(check_nats_subject("events.*.push", true), std::nullopt);
  EXPECT_EQ(check_nats_subject("events.>", true), std::nullopt);
  EXPECT_EQ(check_nats_subject("events.>.x", true),
            "\"events.>.x\": '>' may only be the last token");
  EXPECT_EQ(check_nats_subject("ev*nts", true),
            "\"ev*nts\": the wildcards '*' and '>' must be whole tokens");
  EXPECT_EQ(check_nats_subject("a b", true), "\"a b\" contains whitespace or control characters");
  EXPECT_EQ(check_nats_subject(".a", true),
            "\".a\" has an empty token; tokens are separated by single dots");
}

TEST(ValueRules, HostPatternsQuantitiesTimesAndZones) {
  EXPECT_EQ(check_host_pattern("api.github.com"), std::nullopt);
  EXPECT_EQ(check_host_pattern("*.slack.com:443"), std::nullopt);
  EXPECT_NE(check_host_pattern("https://api.github.com"), std::nullopt);
  EXPECT_NE(check_host_pattern("API.github.com"), std::nullopt);
  for (const char* q : {"250m", "1", "0.5", "512Mi", "1Gi", "1e3", "2k"}) {
    EXPECT_EQ(check_quantity(q), std::nullopt) << q;
  }
  for (const char* q : {"1GB", "-1", "m", "1.2.3"}) EXPECT_NE(check_quantity(q), std::nullopt) << q;
  EXPECT_EQ(check_rfc3339("2026-01-31T12:00:00Z"), std::nullopt);
  EXPECT_EQ(check_rfc3339("2026-01-31T12:00:00.5+01:00"), std::nullopt);
  EXPECT_NE(check_rfc3339("2026-01-31"), std::nullopt);
  EXPECT_EQ(check_timezone_name("America/Argentina/Buenos_Aires"), std::nullopt);
  EXPECT_EQ(check_timezone_name("Etc/GMT+5"), std::nullopt);
  EXPECT_NE(check_timezone_name("Europe/"), std::nullopt);
}

TEST(ValueRules, KubernetesNames) {
  EXPECT_EQ(check_dns1123_label("pd-health"), std::nullopt);
  EXPECT_NE(check_dns1123_label(std::string(64, 'a')), std::nullopt);
  EXPECT_EQ(check_dns1123_subdomain("health.reader"), std::nullopt);
  EXPECT_NE(check_dns1123_subdomain("Health"), std::nullopt);
  EXPECT_EQ(check_identifier("fetch_data-2"), std::nullopt);
  EXPECT_NE(check_identifier("2fetch"), std::nullopt);
}

}  // namespace
}  // namespace pd::spec
