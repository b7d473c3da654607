// Cross-field and filesystem checks: node files, edges, cycles; and loading from a folder.
#include "engine/spec/workflow_loader.h"

#include <gtest/gtest.h>

#include "engine/spec/test_workflow_dir.h"

namespace pd::spec {
namespace {

using testing::diagnostics_for;
using testing::TestWorkflowDir;

std::string graph(const std::string& nodes_and_edges) {
  return "name: demo\nversion: \"1.0\"\ntriggers:\n  - type: manual\n" + nodes_and_edges;
}

constexpr const char* kThreeNodes =
    "nodes:\n"
    "  a:\n    path: nodes/a.ts\n"
    "  b:\n    path: nodes/b.ts\n"
    "  c:\n    path: nodes/c.ts\n";

std::string three_node_errors(const std::string& edges) {
  return diagnostics_for(graph(std::string(kThreeNodes) + "edges:\n" + edges),
                         {"nodes/a.ts", "nodes/b.ts", "nodes/c.ts"});
}

TEST(WorkflowChecks, MissingNodeFileIsAnError) {
  EXPECT_EQ(diagnostics_for(graph("nodes:\n  a:\n    path: nodes/a.ts\n")),
            "workflow.yaml:7:11: error: `nodes.a.path`: file \"nodes/a.ts\" does not exist in the "
            "workflow folder; create it or fix the path\n"
            "    path: nodes/a.ts\n"
            "          ^\n");
}

TEST(WorkflowChecks, NodePathThatEscapesTheFolderIsAnError) {
  EXPECT_EQ(diagnostics_for(graph("nodes:\n  a:\n    path: ../secrets/a.ts\n")),
            "workflow.yaml:7:11: error: `nodes.a.path`: \"../secrets/a.ts\" points outside the "
            "workflow folder\n"
            "    path: ../secrets/a.ts\n"
            "          ^\n");
  EXPECT_EQ(diagnostics_for(graph("nodes:\n  a:\n    path: nodes/../../a.ts\n")),
            "workflow.yaml:7:11: error: `nodes.a.path`: \"nodes/../../a.ts\" points outside the "
            "workflow folder\n"
            "    path: nodes/../../a.ts\n"
            "          ^\n");
}

TEST(WorkflowChecks, AbsoluteNodePathIsAnError) {
  EXPECT_EQ(diagnostics_for(graph("nodes:\n  a:\n    path: /etc/a.ts\n")),
            "workflow.yaml:7:11: error: `nodes.a.path`: \"/etc/a.ts\" is an absolute path; write "
            "it relative to the workflow folder\n"
            "    path: /etc/a.ts\n"
            "          ^\n");
}

TEST(WorkflowChecks, SymlinkOutOfTheFolderIsAnError) {
  TestWorkflowDir outside;
  outside.write("a.ts", "export default () => 1;\n");
  TestWorkflowDir dir;
  std::filesystem::create_directories(dir.path() / "nodes");
  std::filesystem::create_symlink(outside.path() / "a.ts", dir.path() / "nodes/a.ts");
  std::string diagnostics =
      dir.load(graph("nodes:\n  a:\n    path: nodes/a.ts\n")).format_diagnostics();
  EXPECT_NE(diagnostics.find("workflow.yaml:7:11: error: `nodes.a.path`: \"nodes/a.ts\" resolves "
                             "(through a symlink) to "),
            std::string::npos)
      << diagnostics;
  EXPECT_NE(diagnostics.find(", outside the workflow folder\n"), std::string::npos) << diagnostics;
}

TEST(WorkflowChecks, NodePathMustBeAScriptFile) {
  EXPECT_EQ(diagnostics_for(graph("nodes:\n  a:\n    path: nodes/a.py\n"), {"nodes/a.py"}),
            "workflow.yaml:7:11: error: `nodes.a.path`: \"nodes/a.py\" is not a TypeScript or "
            "JavaScript file; expected a .ts, .mts, .tsx, .js, .mjs or .jsx file\n"
            "    path: nodes/a.py\n"
            "          ^\n");
  TestWorkflowDir dir;
  std::filesystem::create_directories(dir.path() / "nodes/a.ts");
  EXPECT_EQ(dir.load(graph("nodes:\n  a:\n    path: nodes/a.ts\n")).format_diagnostics(),
            "workflow.yaml:7:11: error: `nodes.a.path`: \"nodes/a.ts\" is not a regular file\n"
            "    path: nodes/a.ts\n"
            "          ^\n");
}

TEST(WorkflowChecks, EdgeToUndefinedNodeSuggestsTheClosestName) {
  EXPECT_EQ(three_node_errors("  - from: a\n    to: bb\n  - from: zzz\n    to: c\n"),
            "workflow.yaml:14:9: error: `edges[0].to`: node \"bb\" is not defined — did you mean "
            "\"b\"?\n"
            "    to: bb\n"
            "        ^\n"
            "workflow.yaml:15:11: error: `edges[1].from`: node \"zzz\" is not defined; add it "
            "under `nodes` or fix the name\n"
            "  - from: zzz\n"
            "          ^\n");
}

TEST(WorkflowChecks, SelfLoopIsAnError) {
  EXPECT_EQ(three_node_errors("  - from: b\n    to: b\n"),
            "workflow.yaml:13:5: error: `edges[0]`: node \"b\" has an edge to itself; a node "
            "cannot depend on its own output\n"
            "  - from: b\n"
            "    ^\n");
}

TEST(WorkflowChecks, DuplicateEdgeIsAnError) {
  EXPECT_EQ(three_node_errors("  - from: a\n    to: b\n  - from: a\n    to: b\n"),
            "workflow.yaml:15:5: error: `edges[1]`: duplicate edge a -> b; remove one of them\n"
            "  - from: a\n"
            "    ^\n");
}

TEST(WorkflowChecks, CycleErrorPrintsTheCycleAtItsClosingEdge) {
  EXPECT_EQ(three_node_errors("  - from: a\n    to: b\n  - from: b\n    to: c\n"
                              "  - from: c\n    to: a\n"),
            "workflow.yaml:17:5: error: the edges form a cycle: a -> b -> c -> a; remove one of "
            "these edges so the workflow is a DAG\n"
            "  - from: c\n"
            "    ^\n");
}

TEST(WorkflowChecks, ReportsEveryProblemOfAFileAtOnce) {
  std::string diagnostics = diagnostics_for(
      "name: Demo\nversion: \"1.0\"\ntriggers:\n  - type: cron\n    schedule: \"* * *\"\n"
      "nodes:\n  a:\n    path: nodes/a.ts\nedges:\n  - from: a\n    to: b\negdes: []\n");
  int errors = 0;
  for (size_t at = diagnostics.find(": error: "); at != std::string::npos;
       at = diagnostics.find(": error: ", at + 1)) {
    ++errors;
  }
  EXPECT_EQ(errors, 5) << diagnostics;
  // Sorted by position: name (1), schedule (5), node file (8), edge end (11), unknown key (12).
  EXPECT_LT(diagnostics.find("workflow.yaml:1:7:"), diagnostics.find("workflow.yaml:5:15:"));
  EXPECT_LT(diagnostics.find("workflow.yaml:5:15:"), diagnostics.find("workflow.yaml:8:11:"));
  EXPECT_LT(diagnostics.find("workflow.yaml:8:11:"), diagnostics.find("workflow.yaml:11:9:"));
  EXPECT_LT(diagnostics.find("workflow.yaml:11:9:"), diagnostics.find("workflow.yaml:12:1:"));
}

TEST(WorkflowLoader, LoadsAFolderAndCompilesThePlan) {
  TestWorkflowDir dir;
  dir.write("nodes/a.ts", "export default () => 1;\n");
  dir.write("nodes/b.ts", "export default () => 2;\n");
  dir.write("workflow.yaml", graph("nodes:\n  a:\n    path: nodes/a.ts\n  b:\n    path: "
                                   "./nodes/b.ts\nedges:\n  - from: a\n    to: b\n"));
  LoadedWorkflow loaded = load_workflow(dir.path());
  ASSERT_TRUE(loaded.ok()) << loaded.format_diagnostics();
  EXPECT_EQ(loaded.diagnostics.file(), (dir.path() / "workflow.yaml").string());
  ASSERT_TRUE(loaded.plan.has_value());
  EXPECT_EQ(loaded.plan->stages, (std::vector<std::vector<std::string>>{{"a"}, {"b"}}));
  EXPECT_EQ(load_workflow(dir.path() / "workflow.yaml").plan->node_order,
            (std::vector<std::string>{"a", "b"}));
}

TEST(WorkflowLoader, FolderWithoutWorkflowYamlSaysSo) {
  TestWorkflowDir dir;
  LoadedWorkflow loaded = load_workflow(dir.path());
  EXPECT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.format_diagnostics(), (dir.path() / "workflow.yaml").string() +
                                             ": error: no workflow.yaml in this folder; is \"" +
                                             dir.path().string() + "\" a workflow folder?\n");
}

}  // namespace
}  // namespace pd::spec
