// Golden-file tests: the example workflows' diagrams must match fixtures/golden/ exactly.
#include "engine/spec/plan_render.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "engine/spec/test_workflow_dir.h"
#include "engine/spec/workflow_loader.h"
#include "engine/util/file_io.h"

namespace pd::spec {
namespace {

std::filesystem::path source_dir() {
  const char* dir = std::getenv("PD_SOURCE_DIR");
  return dir ? dir : PD_SOURCE_DIR_FALLBACK;
}

void expect_golden(const std::string& workflow, const std::string& format) {
  LoadedWorkflow loaded = load_workflow(source_dir() / "example-workflows" / workflow);
  ASSERT_TRUE(loaded.plan.has_value()) << loaded.format_diagnostics();
  std::string actual = format == "dot" ? render_dot(loaded.workflow, *loaded.plan)
                                       : render_mermaid(loaded.workflow, *loaded.plan);
  std::filesystem::path golden =
      source_dir() / "fixtures/golden" / (workflow + (format == "dot" ? ".dot" : ".mmd"));
  Result<std::string> expected = read_text_file(golden);
  ASSERT_TRUE(expected.is_ok()) << expected.status().message();
  EXPECT_EQ(actual, expected.value()) << "golden file " << golden;
}

TEST(PlanRender, GithubDigestMermaidMatchesGolden) { expect_golden("github-digest", "mermaid"); }
TEST(PlanRender, GithubDigestDotMatchesGolden) { expect_golden("github-digest", "dot"); }
TEST(PlanRender, UptimeCheckMermaidMatchesGolden) { expect_golden("uptime-check", "mermaid"); }
TEST(PlanRender, UptimeCheckDotMatchesGolden) { expect_golden("uptime-check", "dot"); }

TEST(PlanRender, MermaidIdsStayUniqueWhenDashesBecomeUnderscores) {
  testing::TestWorkflowDir dir;
  LoadedWorkflow loaded = dir.load(
      "name: demo\nversion: \"1.0\"\ntriggers:\n  - type: manual\nnodes:\n"
      "  a-b:\n    path: nodes/x.ts\n  a_b:\n    path: nodes/x.ts\n"
      "edges:\n  - from: a-b\n    to: a_b\n",
      {"nodes/x.ts"});
  ASSERT_TRUE(loaded.plan.has_value()) << loaded.format_diagnostics();
  EXPECT_EQ(render_mermaid(loaded.workflow, *loaded.plan),
            "graph TD\n"
            "  subgraph stage1[\"stage 1\"]\n    a_b[\"a-b\"]\n  end\n"
            "  subgraph stage2[\"stage 2\"]\n    a_b_2[\"a_b\"]\n  end\n"
            "  a_b --> a_b_2\n");
}

}  // namespace
}  // namespace pd::spec
