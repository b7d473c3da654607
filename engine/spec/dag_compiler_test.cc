// Stage grouping and ordering of the DAG compiler, and cycle reports.
#include "engine/spec/dag_compiler.h"

#include <gtest/gtest.h>

namespace pd::spec {
namespace {

using Stages = std::vector<std::vector<std::string>>;
using Names = std::vector<std::string>;
using Edges = std::vector<std::pair<std::string, std::string>>;

Plan compile_ok(const Names& nodes, const Edges& edges) {
  DagCompilation compiled = compile_dag(nodes, edges);
  EXPECT_TRUE(compiled.cycles.empty());
  return compiled.plan.value_or(Plan{});
}

TEST(DagCompiler, ChainGetsOneStagePerNode) {
  Plan plan = compile_ok({"c", "b", "a"}, {{"a", "b"}, {"b", "c"}});
  EXPECT_EQ(plan.stages, (Stages{{"a"}, {"b"}, {"c"}}));
  EXPECT_EQ(plan.node_order, (Names{"a", "b", "c"}));
}

TEST(DagCompiler, FanOutPutsSiblingsInOneStageAlphabetically) {
  Plan plan = compile_ok({"fetch", "transform", "enrich", "notify"},
                         {{"fetch", "transform"}, {"fetch", "enrich"}, {"fetch", "notify"}});
  EXPECT_EQ(plan.stages, (Stages{{"fetch"}, {"enrich", "notify", "transform"}}));
}

TEST(DagCompiler, FanInKeepsUpstreamInEdgeDeclarationOrder) {
  Plan plan = compile_ok({"merge", "b", "a"}, {{"b", "merge"}, {"a", "merge"}});
  EXPECT_EQ(plan.stages, (Stages{{"a", "b"}, {"merge"}}));
  EXPECT_EQ(plan.upstream.at("merge"), (Names{"b", "a"}));
  EXPECT_TRUE(plan.upstream.at("a").empty());
}

TEST(DagCompiler, DiamondMatchesPipedreamerStages) {
  Plan plan = compile_ok(
      {"fetch", "enrich", "transform", "notify"},
      {{"fetch", "enrich"}, {"fetch", "transform"}, {"enrich", "notify"}, {"transform", "notify"}});
  EXPECT_EQ(plan.stages, (Stages{{"fetch"}, {"enrich", "transform"}, {"notify"}}));
  EXPECT_EQ(plan.node_order, (Names{"fetch", "enrich", "transform", "notify"}));
}

TEST(DagCompiler, StageIsOneMoreThanTheDeepestDependency) {
  Plan plan = compile_ok({"a", "b", "c"}, {{"a", "b"}, {"b", "c"}, {"a", "c"}});
  EXPECT_EQ(plan.stage_of.at("c"), 2);
  EXPECT_EQ(plan.stages, (Stages{{"a"}, {"b"}, {"c"}}));
}

TEST(DagCompiler, DisconnectedNodesAreAllRoots) {
  Plan plan = compile_ok({"z", "m", "a"}, {});
  EXPECT_EQ(plan.stages, (Stages{{"a", "m", "z"}}));
  Plan mixed = compile_ok({"x", "y", "lonely"}, {{"x", "y"}});
  EXPECT_EQ(mixed.stages, (Stages{{"lonely", "x"}, {"y"}}));
}

TEST(DagCompiler, ReadyQueueStaysSortedAsNodesBecomeReady) {
  // After "a" runs, "b" and "d" become ready, and "c" (a root) is already waiting: order is
  // alphabetical among everything ready at each step.
  Plan plan = compile_ok({"a", "b", "c", "d", "e"}, {{"a", "d"}, {"a", "b"}, {"c", "e"}});
  EXPECT_EQ(plan.node_order, (Names{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(plan.stages, (Stages{{"a", "c"}, {"b", "d", "e"}}));
}

TEST(DagCompiler, ReportsACycleStartingAtItsFirstNode) {
  DagCompilation compiled =
      compile_dag({"a", "b", "c", "d"}, {{"d", "b"}, {"b", "c"}, {"c", "d"}, {"a", "b"}});
  EXPECT_FALSE(compiled.plan.has_value());
  ASSERT_EQ(compiled.cycles.size(), 1u);
  EXPECT_EQ(format_cycle(compiled.cycles[0]), "b -> c -> d -> b");
  EXPECT_EQ(compiled.cycles[0].closing_edge, 0u);  // d -> b
}

TEST(DagCompiler, ReportsEachSeparateCycle) {
  DagCompilation compiled = compile_dag(
      {"a", "b", "x", "y", "z"}, {{"a", "b"}, {"b", "a"}, {"x", "y"}, {"y", "z"}, {"z", "x"}});
  ASSERT_EQ(compiled.cycles.size(), 2u);
  EXPECT_EQ(format_cycle(compiled.cycles[0]), "a -> b -> a");
  EXPECT_EQ(format_cycle(compiled.cycles[1]), "x -> y -> z -> x");
}

TEST(DagCompiler, ReportsTheShortestCycleThroughTheFirstNode) {
  DagCompilation compiled = compile_dag(
      {"a", "b", "c", "d"}, {{"a", "b"}, {"b", "c"}, {"c", "d"}, {"d", "a"}, {"b", "a"}});
  ASSERT_EQ(compiled.cycles.size(), 1u);
  EXPECT_EQ(format_cycle(compiled.cycles[0]), "a -> b -> a");
}

}  // namespace
}  // namespace pd::spec
