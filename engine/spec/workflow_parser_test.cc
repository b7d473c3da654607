// Every structural rule of workflow.yaml, asserting the exact diagnostic text and position.
#include <gtest/gtest.h>

#include "engine/spec/test_workflow_dir.h"

namespace pd::spec {
namespace {

using testing::diagnostics_for;
using testing::TestWorkflowDir;

constexpr const char* kHeader =
    "name: demo\n"
    "version: \"1.0\"\n"
    "triggers:\n"
    "  - type: manual\n";

std::string with_nodes(const std::string& rest) {
  return std::string(kHeader) + "nodes:\n  a:\n    path: nodes/a.ts\n" + rest;
}

std::string trigger_errors(const std::string& triggers) {
  return diagnostics_for("name: demo\nversion: \"1.0\"\ntriggers:\n" + triggers +
                             "nodes:\n  a:\n    path: nodes/a.ts\n",
                         {"nodes/a.ts"});
}

TEST(WorkflowParser, AcceptsMinimalWorkflowWithoutEdges) {
  TestWorkflowDir dir;
  LoadedWorkflow loaded = dir.load(with_nodes(""), {"nodes/a.ts"});
  EXPECT_EQ(loaded.format_diagnostics(), "");
  ASSERT_TRUE(loaded.plan.has_value());
  EXPECT_EQ(loaded.workflow.name, "demo");
  EXPECT_EQ(loaded.workflow.version, "1.0");
  EXPECT_EQ(loaded.workflow.config.timeout.value.count(), 30000);
  EXPECT_EQ(loaded.workflow.config.retries, 0);
}

TEST(WorkflowParser, UnknownKeySuggestsTheClosestKnownOne) {
  EXPECT_EQ(diagnostics_for(with_nodes("egdes: []\n"), {"nodes/a.ts"}),
            "workflow.yaml:8:1: error: unknown key `egdes` — did you mean `edges`?\n"
            "egdes: []\n"
            "^\n");
}

TEST(WorkflowParser, UnknownKeyWithoutCloseMatchListsTheKnownKeys) {
  EXPECT_EQ(diagnostics_for(with_nodes("owner: me\n"), {"nodes/a.ts"}),
            "workflow.yaml:8:1: error: unknown key `owner`; expected one of: name, version, "
            "description, triggers, nodes, edges, config, deployment\n"
            "owner: me\n"
            "^\n");
}

TEST(WorkflowParser, DuplicateKeyIsAnErrorNamingTheFirstLine) {
  EXPECT_EQ(diagnostics_for(with_nodes("name: other\n"), {"nodes/a.ts"}),
            "workflow.yaml:8:1: error: duplicate key `name` (first defined at line 1); YAML "
            "would keep only one of them — remove or rename one\n"
            "name: other\n"
            "^\n");
}

TEST(WorkflowParser, DuplicateNodeNamesAreAnError) {
  EXPECT_EQ(diagnostics_for(with_nodes("  a:\n    path: nodes/a.ts\n"), {"nodes/a.ts"}),
            "workflow.yaml:8:3: error: duplicate key `a` in `nodes` (first defined at line 6); "
            "YAML would keep only one of them — remove or rename one\n"
            "  a:\n"
            "  ^\n");
}

TEST(WorkflowParser, ReportsEveryMissingRequiredKeyAtOnce) {
  EXPECT_EQ(diagnostics_for("description: nothing else\n"),
            "workflow.yaml:1:1: error: missing required key `name` (a kebab-case workflow name "
            "such as \"github-digest\")\n"
            "description: nothing else\n"
            "^\n"
            "workflow.yaml:1:1: error: missing required key `version` (a quoted version such as "
            "\"1.0\")\n"
            "description: nothing else\n"
            "^\n"
            "workflow.yaml:1:1: error: missing required key `triggers` (a list of triggers, e.g. "
            "`- type: manual`)\n"
            "description: nothing else\n"
            "^\n"
            "workflow.yaml:1:1: error: missing required key `nodes` (a map of node names to "
            "`path: nodes/<name>.ts`)\n"
            "description: nothing else\n"
            "^\n");
}

TEST(WorkflowParser, RejectsNamesThatAreNotKebabCase) {
  std::string yaml = with_nodes("");
  yaml.replace(yaml.find("demo"), 4, "My_Flow");
  EXPECT_EQ(diagnostics_for(yaml, {"nodes/a.ts"}),
            "workflow.yaml:1:7: error: `name`: \"My_Flow\" is not a valid workflow name; "
            "expected kebab-case: lowercase letters and digits in words joined by single "
            "hyphens, starting with a letter (e.g. \"github-digest\")\n"
            "name: My_Flow\n"
            "      ^\n");
}

TEST(WorkflowParser, RejectsNamesLongerThanADnsLabel) {
  std::string yaml = with_nodes("");
  yaml.replace(yaml.find("demo"), 4, std::string(64, 'a'));
  std::string diagnostics = diagnostics_for(yaml, {"nodes/a.ts"});
  EXPECT_EQ(diagnostics.substr(0, diagnostics.find('\n')),
            "workflow.yaml:1:7: error: `name`: workflow name is 64 characters long; Kubernetes "
            "names derived from it allow at most 63");
}

class InvalidVersion : public ::testing::TestWithParam<std::string> {};

TEST_P(InvalidVersion, IsRejectedWithTheExpectedForm) {
  std::string yaml = with_nodes("");
  yaml.replace(yaml.find("\"1.0\""), 5, GetParam());
  std::string diagnostics = diagnostics_for(yaml, {"nodes/a.ts"});
  EXPECT_NE(diagnostics.find("workflow.yaml:2:10: error: `version`: "), std::string::npos)
      << diagnostics;
  EXPECT_NE(diagnostics.find("is not a valid version; expected MAJOR.MINOR or "
                             "MAJOR.MINOR.PATCH"),
            std::string::npos)
      << diagnostics;
}

INSTANTIATE_TEST_SUITE_P(WorkflowParser, InvalidVersion,
                         ::testing::Values("\"1\"", "\"1.2.3.4\"", "\"v1.0\"", "\"1.0-RC1\"",
                                           "\"1.0 beta\"", "\"1.0.\""));

TEST(WorkflowParser, AcceptsPatchAndPrereleaseVersions) {
  for (const char* version : {"\"1.2.3\"", "\"1.2.0-rc1\"", "\"10.20\""}) {
    std::string yaml = with_nodes("");
    yaml.replace(yaml.find("\"1.0\""), 5, version);
    EXPECT_EQ(diagnostics_for(yaml, {"nodes/a.ts"}), "") << version;
  }
}

TEST(WorkflowParser, WarnsAboutAnUnquotedVersionThatReadsAsANumber) {
  std::string yaml = with_nodes("");
  yaml.replace(yaml.find("\"1.0\""), 5, "1.10");
  TestWorkflowDir dir;
  LoadedWorkflow loaded = dir.load(yaml, {"nodes/a.ts"});
  EXPECT_TRUE(loaded.ok());
  EXPECT_EQ(loaded.workflow.version, "1.10");
  EXPECT_EQ(loaded.format_diagnostics(),
            "workflow.yaml:2:10: warning: `version`: 1.10 is unquoted, so other YAML tools read "
            "it as a number (1.10 becomes 1.1); write version: \"1.10\"\n"
            "version: 1.10\n"
            "         ^\n");
}

TEST(WorkflowParser, TriggersMustBeANonEmptyList) {
  EXPECT_EQ(trigger_errors("  []\n"),
            "workflow.yaml:4:3: error: `triggers`: expected a list with at least one trigger "
            "(e.g. `- type: manual`), got a list\n"
            "  []\n"
            "  ^\n");
}

TEST(WorkflowParser, UnknownTriggerTypeSuggestsTheClosest) {
  EXPECT_EQ(trigger_errors("  - type: crn\n"),
            "workflow.yaml:4:11: error: `triggers[0].type`: unknown value \"crn\" — did you "
            "mean \"cron\"?\n"
            "  - type: crn\n"
            "          ^\n");
}

TEST(WorkflowParser, TriggerWithoutTypeIsAnError) {
  EXPECT_EQ(trigger_errors("  - name: x\n"),
            "workflow.yaml:4:5: error: `triggers[0]`: missing required key `type` (one of "
            "manual, cron, webhook, queue)\n"
            "  - name: x\n"
            "    ^\n");
}

TEST(WorkflowParser, CronTriggerNeedsASchedule) {
  EXPECT_EQ(trigger_errors("  - type: cron\n"),
            "workflow.yaml:4:5: error: `triggers[0]`: missing required key `schedule` (a "
            "5-field cron schedule such as \"*/5 * * * *\")\n"
            "  - type: cron\n"
            "    ^\n");
}

TEST(WorkflowParser, CronScheduleIsValidated) {
  EXPECT_EQ(trigger_errors("  - type: cron\n    schedule: \"0 24 * * *\"\n"),
            "workflow.yaml:5:15: error: `triggers[0].schedule`: hour field \"24\": value 24 is "
            "out of range 0-23\n"
            "    schedule: \"0 24 * * *\"\n"
            "              ^\n");
}

TEST(WorkflowParser, CronTimezoneIsValidated) {
  EXPECT_EQ(trigger_errors("  - type: cron\n    schedule: \"@daily\"\n    timezone: \"Mars "
                           "Base\"\n"),
            "workflow.yaml:6:15: error: `triggers[0].timezone`: \"Mars Base\" is not a time zone "
            "name; expected e.g. \"UTC\" or \"Europe/Berlin\"\n"
            "    timezone: \"Mars Base\"\n"
            "              ^\n");
}

TEST(WorkflowParser, KeysOfOtherTriggerTypesAreRejected) {
  EXPECT_EQ(trigger_errors("  - type: manual\n    schedule: \"@daily\"\n"),
            "workflow.yaml:5:5: error: unknown key `schedule` in `triggers[0]`; expected one "
            "of: type, name\n"
            "    schedule: \"@daily\"\n"
            "    ^\n");
}

TEST(WorkflowParser, TriggerNamesMustBeUnique) {
  EXPECT_EQ(trigger_errors("  - type: manual\n    name: go\n  - type: cron\n    name: go\n"
                           "    schedule: \"@hourly\"\n"),
            "workflow.yaml:7:11: error: `triggers[1].name`: duplicate trigger name \"go\" (first "
            "used at line 5)\n"
            "    name: go\n"
            "          ^\n");
}

TEST(WorkflowParser, WebhookNeedsAPathStartingWithSlash) {
  EXPECT_EQ(trigger_errors("  - type: webhook\n    path: hooks/github\n"),
            "workflow.yaml:5:11: error: `triggers[0].path`: \"hooks/github\" is not a URL path; "
            "expected it to start with '/' and hold no spaces, '?' or '#' (e.g. "
            "\"/hooks/github\")\n"
            "    path: hooks/github\n"
            "          ^\n");
}

TEST(WorkflowParser, WebhookVerificationNeedsASecret) {
  EXPECT_EQ(trigger_errors("  - type: webhook\n    path: /gh\n    verify: github\n"),
            "workflow.yaml:4:5: error: `triggers[0]`: `verify: github` needs `secret`, the name "
            "of the secret that holds the signing key (e.g. secret: github-webhook)\n"
            "  - type: webhook\n"
            "    ^\n");
}

TEST(WorkflowParser, WebhookPublishTemplateAllowsOnlyHeaderVariables) {
  EXPECT_EQ(trigger_errors("  - type: webhook\n    path: /gh\n    publish: events.{body:x}\n"),
            "workflow.yaml:6:14: error: `triggers[0].publish`: \"events.{body:x}\" has an "
            "unknown variable; the supported one is {header:Header-Name}\n"
            "    publish: events.{body:x}\n"
            "             ^\n");
  EXPECT_EQ(trigger_errors("  - type: webhook\n    path: /gh\n"
                           "    publish: events.github.{header:X-GitHub-Event}\n"),
            "");
}

TEST(WorkflowParser, QueueSubjectIsValidated) {
  EXPECT_EQ(trigger_errors("  - type: queue\n    subject: events..push\n"),
            "workflow.yaml:5:14: error: `triggers[0].subject`: \"events..push\" has an empty "
            "token; tokens are separated by single dots\n"
            "    subject: events..push\n"
            "             ^\n");
}

TEST(WorkflowParser, QueueDeadLetterSubjectMayNotHoldWildcards) {
  EXPECT_EQ(trigger_errors("  - type: queue\n    subject: events.>\n    dead_letter: dlq.*\n"),
            "workflow.yaml:6:18: error: `triggers[0].dead_letter`: \"dlq.*\" contains a "
            "wildcard; a subject to publish to must be concrete\n"
            "    dead_letter: dlq.*\n"
            "                 ^\n");
}

TEST(WorkflowParser, JetStreamOptionsAreTypedAndChecked) {
  EXPECT_EQ(trigger_errors("  - type: queue\n    subject: events.push\n    jetstream:\n"
                           "      max_deliver: 0\n      backoff: [1s, soon]\n"
                           "      deliver_policy: by_start_time\n"),
            "workflow.yaml:7:7: error: `triggers[0].jetstream`: `deliver_policy: by_start_time` "
            "needs `start_time` (e.g. start_time: \"2026-01-31T00:00:00Z\")\n"
            "      max_deliver: 0\n"
            "      ^\n"
            "workflow.yaml:7:20: error: `triggers[0].jetstream.max_deliver`: expected an integer "
            "from 1 to 1000, got 0\n"
            "      max_deliver: 0\n"
            "                   ^\n"
            "workflow.yaml:8:21: error: `triggers[0].jetstream.backoff[1]`: \"soon\" is not a "
            "duration; expected a duration such as 500ms, 30s, 5m or 1h\n"
            "      backoff: [1s, soon]\n"
            "                    ^\n");
}

TEST(WorkflowParser, QueueLimitsAreModelled) {
  TestWorkflowDir dir;
  LoadedWorkflow loaded = dir.load(
      "name: demo\nversion: \"1.0\"\ntriggers:\n  - type: queue\n    subject: events.push\n"
      "    jetstream:\n      ack_wait: 30s\n      backoff: [1s, 5s]\n      max_deliver: 5\n"
      "    max_in_flight: 4\n    rate:\n      per_second: 2.5\n      burst: 10\n"
      "nodes:\n  a:\n    path: nodes/a.ts\n",
      {"nodes/a.ts"});
  ASSERT_EQ(loaded.format_diagnostics(), "");
  const auto& queue = std::get<QueueTrigger>(loaded.workflow.triggers[0].kind);
  ASSERT_TRUE(queue.jetstream.has_value());
  EXPECT_EQ(queue.jetstream->ack_wait->value.count(), 30000);
  EXPECT_EQ(queue.jetstream->backoff.size(), 2u);
  EXPECT_EQ(*queue.jetstream->max_deliver, 5);
  EXPECT_EQ(*queue.max_in_flight, 4);
  EXPECT_DOUBLE_EQ(queue.rate->per_second, 2.5);
  EXPECT_EQ(queue.rate->burst, 10);
}

TEST(WorkflowParser, RateLimitNeedsAPositiveRate) {
  EXPECT_EQ(trigger_errors("  - type: queue\n    subject: a\n    rate:\n      per_second: -1\n"),
            "workflow.yaml:7:19: error: `triggers[0].rate.per_second`: expected a number > 0, "
            "got \"-1\"\n"
            "      per_second: -1\n"
            "                  ^\n");
}

TEST(WorkflowParser, NodesMustBeAMapOfNamesToPaths) {
  EXPECT_EQ(diagnostics_for(std::string(kHeader) + "nodes:\n  - a\n"),
            "workflow.yaml:6:3: error: `nodes`: expected a map of node names to `path: "
            "nodes/<name>.ts`, got a list\n"
            "  - a\n"
            "  ^\n");
}

TEST(WorkflowParser, NodeNeedsAPath) {
  EXPECT_EQ(diagnostics_for(std::string(kHeader) + "nodes:\n  a:\n    capabilities: {}\n"),
            "workflow.yaml:7:5: error: `nodes.a`: missing required key `path` (the node's file, "
            "e.g. nodes/a.ts)\n"
            "    capabilities: {}\n"
            "    ^\n");
}

TEST(WorkflowParser, NodeNamesAreIdentifiers) {
  EXPECT_EQ(diagnostics_for(std::string(kHeader) + "nodes:\n  Fetch:\n    path: nodes/a.ts\n",
                            {"nodes/a.ts"}),
            "workflow.yaml:6:3: error: `nodes.Fetch`: \"Fetch\" is not a valid name; expected "
            "lowercase letters, digits, '-' and '_', starting with a letter\n"
            "  Fetch:\n"
            "  ^\n");
}

TEST(WorkflowParser, NetCapabilityNamesHosts) {
  TestWorkflowDir dir;
  LoadedWorkflow loaded = dir.load(
      std::string(kHeader) +
          "nodes:\n  a:\n    path: nodes/a.ts\n    capabilities:\n      net: [api.github.com, "
          "\"https://x.io\"]\n      github: github-token\n",
      {"nodes/a.ts"});
  EXPECT_EQ(loaded.format_diagnostics(),
            "workflow.yaml:9:29: error: `nodes.a.capabilities.net`: \"https://x.io\" is not a "
            "host; expected a lowercase host name, optionally with a leading \"*.\" and a "
            "\":port\" (e.g. \"api.github.com\", \"*.slack.com:443\")\n"
            "      net: [api.github.com, \"https://x.io\"]\n"
            "                            ^\n");
  const Node& node = loaded.workflow.nodes[0];
  EXPECT_EQ(node.capabilities.at("net"), std::vector<std::string>{"api.github.com"});
  EXPECT_EQ(node.capabilities.at("github"), std::vector<std::string>{"github-token"});
}

TEST(WorkflowParser, EdgesMustBeAList) {
  EXPECT_EQ(diagnostics_for(with_nodes("edges:\n  from: a\n"), {"nodes/a.ts"}),
            "workflow.yaml:9:3: error: `edges`: expected a list of `- from: a` / `to: b` maps, "
            "got a map\n"
            "  from: a\n"
            "  ^\n");
}

TEST(WorkflowParser, EdgeNeedsBothEnds) {
  EXPECT_EQ(diagnostics_for(with_nodes("edges:\n  - from: a\n"), {"nodes/a.ts"}),
            "workflow.yaml:9:5: error: `edges[0]`: missing required key `to` (the downstream "
            "node's name)\n"
            "  - from: a\n"
            "    ^\n");
}

TEST(WorkflowParser, ConfigKeepsUnknownKeysWithTheirTypes) {
  TestWorkflowDir dir;
  LoadedWorkflow loaded = dir.load(
      with_nodes("config:\n  timeout: 500ms\n  retries: 2\n  scheduling: eager\n"
                 "  endpoints: [a, b]\n  limit: 3\n  ratio: 0.5\n  flag: true\n  label: \"42\"\n"
                 "  nothing: null\n"),
      {"nodes/a.ts"});
  ASSERT_EQ(loaded.format_diagnostics(), "");
  const WorkflowConfig& config = loaded.workflow.config;
  EXPECT_EQ(config.timeout.value.count(), 500);
  EXPECT_EQ(config.retries, 2);
  EXPECT_EQ(config.scheduling, Scheduling::kEager);
  EXPECT_EQ(config.values.dump(),
            R"({"timeout":"500ms","retries":2,"scheduling":"eager","endpoints":["a","b"],)"
            R"("limit":3,"ratio":0.5,"flag":true,"label":"42","nothing":null})");
}

TEST(WorkflowParser, ConfigTimeoutAndRetriesAreTyped) {
  EXPECT_EQ(diagnostics_for(with_nodes("config:\n  timeout: 30\n  retries: -1\n"
                                       "  scheduling: eagre\n"),
                            {"nodes/a.ts"}),
            "workflow.yaml:9:12: error: `config.timeout`: \"30\" is not a duration; expected a "
            "duration such as 500ms, 30s, 5m or 1h\n"
            "  timeout: 30\n"
            "           ^\n"
            "workflow.yaml:10:12: error: `config.retries`: expected an integer from 0 to 10, got "
            "-1\n"
            "  retries: -1\n"
            "           ^\n"
            "workflow.yaml:11:15: error: `config.scheduling`: unknown value \"eagre\" — did you "
            "mean \"eager\"?\n"
            "  scheduling: eagre\n"
            "              ^\n");
}

TEST(WorkflowParser, DeploymentBlockIsModelled) {
  TestWorkflowDir dir;
  LoadedWorkflow loaded =
      dir.load(with_nodes("deployment:\n  namespace: pd-health\n  image: reg.example/engine:1.2\n"
                          "  imagePullPolicy: IfNotPresent\n  replicas: 2\n"
                          "  resources:\n    requests: {cpu: 100m, memory: 128Mi}\n"
                          "    limits: {cpu: \"1\", memory: 512Mi}\n"
                          "  serviceAccount: health-reader\n  runtimeClassName: gvisor\n"
                          "  rbac:\n    clusterRole:\n      rules:\n        - apiGroups: [\"\"]\n"
                          "          resources: [nodes, pods]\n          verbs: [get, list]\n"),
               {"nodes/a.ts"});
  ASSERT_EQ(loaded.format_diagnostics(), "");
  const Deployment& deployment = *loaded.workflow.deployment;
  EXPECT_EQ(deployment.namespace_name, "pd-health");
  EXPECT_EQ(deployment.image_pull_policy, "IfNotPresent");
  EXPECT_EQ(*deployment.replicas, 2);
  EXPECT_EQ(deployment.requests.cpu, "100m");
  EXPECT_EQ(deployment.limits.memory, "512Mi");
  EXPECT_EQ(deployment.service_account, "health-reader");
  ASSERT_TRUE(deployment.rbac.has_value());
  EXPECT_TRUE(deployment.rbac->cluster_scoped);
  EXPECT_EQ(deployment.rbac->rules[0].verbs, (std::vector<std::string>{"get", "list"}));
  EXPECT_EQ(deployment.rbac->rules[0].api_groups, std::vector<std::string>{""});
}

TEST(WorkflowParser, DeploymentValuesAreChecked) {
  EXPECT_EQ(diagnostics_for(with_nodes("deployment:\n  namespace: Prod\n"
                                       "  imagePullPolicy: always\n  replicas: -2\n"
                                       "  resources:\n    limits:\n      memory: 1GB\n"),
                            {"nodes/a.ts"}),
            "workflow.yaml:9:14: error: `deployment.namespace`: \"Prod\" is not a valid "
            "Kubernetes name; expected at most 63 lowercase letters, digits and '-', starting "
            "and ending with a letter or digit\n"
            "  namespace: Prod\n"
            "             ^\n"
            "workflow.yaml:10:20: error: `deployment.imagePullPolicy`: unknown value \"always\" "
            "— did you mean \"Always\"?\n"
            "  imagePullPolicy: always\n"
            "                   ^\n"
            "workflow.yaml:11:13: error: `deployment.replicas`: expected an integer from 0 to "
            "1000, got -2\n"
            "  replicas: -2\n"
            "            ^\n"
            "workflow.yaml:14:15: error: `deployment.resources.limits.memory`: \"1GB\" is not a "
            "Kubernetes quantity; expected e.g. \"250m\" or \"1\" (cpu), \"512Mi\" or \"1Gi\" "
            "(memory)\n"
            "      memory: 1GB\n"
            "              ^\n");
}

TEST(WorkflowParser, RbacNeedsExactlyOneRoleKindAndCompleteRules) {
  EXPECT_EQ(diagnostics_for(with_nodes("deployment:\n  rbac:\n    role:\n      rules:\n"
                                       "        - apiGroups: [\"\"]\n"
                                       "          resources: [pods]\n"),
                            {"nodes/a.ts"}),
            "workflow.yaml:12:11: error: `deployment.rbac.role.rules[0]`: a rule needs non-empty "
            "`resources` and `verbs` (e.g. verbs: [get, list])\n"
            "        - apiGroups: [\"\"]\n"
            "          ^\n");
  EXPECT_EQ(diagnostics_for(with_nodes("deployment:\n  rbac: {role: {rules: []}, clusterRole: "
                                       "{rules: []}}\n"),
                            {"nodes/a.ts"}),
            "workflow.yaml:9:9: error: `deployment.rbac`: expected exactly one of `role` (rules "
            "in the workflow's namespace) or `clusterRole`\n"
            "  rbac: {role: {rules: []}, clusterRole: {rules: []}}\n"
            "        ^\n");
}

TEST(WorkflowParser, YamlSyntaxErrorsPointAtTheProblem) {
  EXPECT_EQ(diagnostics_for("name: demo\ntriggers: [manual\nnodes: {}\n"),
            "workflow.yaml:3:6: error: invalid YAML: did not find expected ',' or ']' while "
            "parsing a flow sequence that starts at line 2\n"
            "nodes: {}\n"
            "     ^\n");
}

TEST(WorkflowParser, SeveralYamlDocumentsAreAnError) {
  EXPECT_EQ(diagnostics_for(with_nodes("---\nname: second\n"), {"nodes/a.ts"}),
            "workflow.yaml:8:1: error: found a second YAML document, expected one; remove the "
            "extra `---` separator and what follows it, or move it to its own file\n"
            "---\n"
            "^\n");
}

TEST(WorkflowParser, TopLevelMustBeAMap) {
  EXPECT_EQ(diagnostics_for("- a\n- b\n"),
            "workflow.yaml:1:1: error: expected a map with name, version, triggers, nodes and "
            "edges at the top of the file, got a list\n"
            "- a\n"
            "^\n");
  EXPECT_EQ(diagnostics_for(""),
            "workflow.yaml: error: expected a map with name, version, triggers, nodes and edges "
            "at the top of the file, got nothing\n");
}

}  // namespace
}  // namespace pd::spec
