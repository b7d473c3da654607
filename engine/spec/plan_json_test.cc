#include "engine/spec/plan_json.h"

#include <gtest/gtest.h>

#include "engine/spec/test_workflow_dir.h"

namespace pd::spec {
namespace {

TEST(PlanJson, DescribesStagesNodesTriggersAndConfig) {
  testing::TestWorkflowDir dir;
  LoadedWorkflow loaded = dir.load(
      "name: demo\nversion: \"1.0\"\ntriggers:\n  - type: cron\n    name: nightly\n"
      "    schedule: \"0 2 * * *\"\n  - type: queue\n    subject: jobs.new\n    jetstream: true\n"
      "nodes:\n  a:\n    path: nodes/a.ts\n    capabilities:\n      net: api.x.com\n"
      "  b:\n    path: nodes/b.ts\nedges:\n  - from: a\n    to: b\nconfig:\n  limit: 3\n",
      {"nodes/a.ts", "nodes/b.ts"});
  ASSERT_TRUE(loaded.plan.has_value()) << loaded.format_diagnostics();
  EXPECT_EQ(
      plan_to_json(loaded.workflow, *loaded.plan).dump(),
      R"({"workflow":"demo","version":"1.0","triggers":[)"
      R"({"type":"cron","name":"nightly","schedule":"0 2 * * *"},)"
      R"({"type":"queue","subject":"jobs.new","queue_group":"demo",)"
      R"("dead_letter":"jobs.new.dlq","jetstream":{"durable":"demo","deliver_policy":"all"}}],)"
      R"("nodes":{"a":{"path":"nodes/a.ts","stage":0,"dependsOn":[],)"
      R"("capabilities":{"net":["api.x.com"]}},)"
      R"("b":{"path":"nodes/b.ts","stage":1,"dependsOn":["a"]}},)"
      R"("stages":[{"nodes":["a"]},{"nodes":["b"]}],"nodeOrder":["a","b"],)"
      R"("config":{"limit":3,"timeout":"30s","retries":0,"scheduling":"stage"}})");
}

}  // namespace
}  // namespace pd::spec
