// Compiles a workflow's nodes and edges into an execution plan with Pipedreamer's stage grouping:
// Kahn's algorithm with a lexicographically sorted ready queue (deterministic order), and each
// node's stage = 1 + the highest stage of its dependencies (roots are stage 0).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pd::spec {

struct Plan {
  std::vector<std::vector<std::string>> stages;              // nodes of each stage, in node_order
  std::vector<std::string> node_order;                       // a topological order
  std::map<std::string, int> stage_of;                       // node -> index into stages
  std::map<std::string, std::vector<std::string>> upstream;  // in edge declaration order
};

// A cycle a -> b -> c -> a, stored as {a, b, c}; `closing_edge` indexes the edge c -> a.
struct Cycle {
  std::vector<std::string> nodes;
  size_t closing_edge = 0;
};

// "a -> b -> c -> a".
std::string format_cycle(const Cycle& cycle);

struct DagCompilation {
  std::optional<Plan> plan;   // set when the graph is acyclic
  std::vector<Cycle> cycles;  // one per strongly connected component, ordered by first node
};

// `nodes` are unique names; every edge names two of them and is not a self-loop (callers check
// both first). Duplicate edges are tolerated.
DagCompilation compile_dag(const std::vector<std::string>& nodes,
                           const std::vector<std::pair<std::string, std::string>>& edges);

}  // namespace pd::spec
