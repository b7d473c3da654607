#include "engine/spec/dag_compiler.h"

#include <algorithm>
#include <functional>
#include <queue>

namespace pd::spec {
namespace {

// The graph with nodes numbered by name rank, so "smallest index" means "first by name".
struct IndexedGraph {
  std::vector<std::string> names;            // sorted
  std::vector<std::vector<int>> successors;  // sorted, unique
  std::vector<std::vector<int>> edge_ids;    // parallel to successors: index of the edge
};

IndexedGraph index_graph(const std::vector<std::string>& nodes,
                         const std::vector<std::pair<std::string, std::string>>& edges) {
  IndexedGraph graph;
  graph.names = nodes;
  std::sort(graph.names.begin(), graph.names.end());
  std::map<std::string, int> rank;
  for (size_t i = 0; i < graph.names.size(); ++i) rank[graph.names[i]] = static_cast<int>(i);
  std::vector<std::vector<std::pair<int, int>>> out(graph.names.size());
  for (size_t e = 0; e < edges.size(); ++e) {
    out[rank.at(edges[e].first)].push_back({rank.at(edges[e].second), static_cast<int>(e)});
  }
  graph.successors.resize(out.size());
  graph.edge_ids.resize(out.size());
  for (size_t n = 0; n < out.size(); ++n) {
    std::sort(out[n].begin(), out[n].end());
    for (const auto& [to, edge] : out[n]) {
      if (!graph.successors[n].empty() && graph.successors[n].back() == to) continue;
      graph.successors[n].push_back(to);
      graph.edge_ids[n].push_back(edge);
    }
  }
  return graph;
}

// Tarjan's strongly connected components over the nodes with `alive[n]`.
std::vector<std::vector<int>> cyclic_components(const IndexedGraph& graph,
                                                const std::vector<bool>& alive) {
  const int n = static_cast<int>(graph.names.size());
  std::vector<int> index(n, -1), low(n, 0);
  std::vector<bool> on_stack(n, false);
  std::vector<int> stack;
  std::vector<std::vector<int>> components;
  int counter = 0;
  std::function<void(int)> visit = [&](int v) {
    index[v] = low[v] = counter++;
    stack.push_back(v);
    on_stack[v] = true;
    for (int w : graph.successors[v]) {
      if (!alive[w]) continue;
      if (index[w] < 0) {
        visit(w);
        low[v] = std::min(low[v], low[w]);
      } else if (on_stack[w]) {
        low[v] = std::min(low[v], index[w]);
      }
    }
    if (low[v] != index[v]) return;
    std::vector<int> component;
    int w;
    do {
      w = stack.back();
      stack.pop_back();
      on_stack[w] = false;
      component.push_back(w);
    } while (w != v);
    if (component.size() > 1) {
      std::sort(component.begin(), component.end());
      components.push_back(std::move(component));
    }
  };
  for (int v = 0; v < n; ++v) {
    if (alive[v] && index[v] < 0) visit(v);
  }
  std::sort(components.begin(), components.end());
  return components;
}

// The shortest cycle through the component's first node (breadth-first inside the component).
Cycle shortest_cycle(const IndexedGraph& graph, const std::vector<int>& component) {
  const int start = component.front();
  std::vector<bool> inside(graph.names.size(), false);
  for (int v : component) inside[v] = true;
  std::map<int, int> parent;
  std::queue<int> frontier;
  frontier.push(start);
  parent[start] = -1;
  while (!frontier.empty()) {
    int v = frontier.front();
    frontier.pop();
    for (size_t i = 0; i < graph.successors[v].size(); ++i) {
      int w = graph.successors[v][i];
      if (!inside[w]) continue;
      if (w == start) {
        std::vector<int> path;
        for (int at = v; at != -1; at = parent[at]) path.push_back(at);
        std::reverse(path.begin(), path.end());
        Cycle cycle;
        for (int node : path) cycle.nodes.push_back(graph.names[node]);
        cycle.closing_edge = static_cast<size_t>(graph.edge_ids[v][i]);
        return cycle;
      }
      if (parent.count(w)) continue;
      parent[w] = v;
      frontier.push(w);
    }
  }
  return Cycle{{graph.names[start]}, 0};  // unreachable for a strongly connected component
}

}  // namespace

std::string format_cycle(const Cycle& cycle) {
  std::string out;
  for (const std::string& node : cycle.nodes) out += node + " -> ";
  return out + (cycle.nodes.empty() ? "" : cycle.nodes.front());
}

DagCompilation compile_dag(const std::vector<std::string>& nodes,
                           const std::vector<std::pair<std::string, std::string>>& edges) {
  IndexedGraph graph = index_graph(nodes, edges);
  const size_t n = graph.names.size();
  std::vector<int> in_degree(n, 0);
  for (const auto& successors : graph.successors) {
    for (int w : successors) ++in_degree[w];
  }
  std::priority_queue<int, std::vector<int>, std::greater<>> ready;
  for (size_t v = 0; v < n; ++v) {
    if (in_degree[v] == 0) ready.push(static_cast<int>(v));
  }
  std::vector<int> stage(n, 0);
  std::vector<int> order;
  order.reserve(n);
  while (!ready.empty()) {
    int v = ready.top();
    ready.pop();
    order.push_back(v);
    for (int w : graph.successors[v]) {
      stage[w] = std::max(stage[w], stage[v] + 1);
      if (--in_degree[w] == 0) ready.push(w);
    }
  }

  DagCompilation result;
  if (order.size() < n) {
    std::vector<bool> alive(n);
    for (size_t v = 0; v < n; ++v) alive[v] = in_degree[v] > 0;
    for (const std::vector<int>& component : cyclic_components(graph, alive)) {
      result.cycles.push_back(shortest_cycle(graph, component));
    }
    return result;
  }

  Plan plan;
  for (int v : order) {
    const std::string& name = graph.names[v];
    plan.node_order.push_back(name);
    if (static_cast<size_t>(stage[v]) >= plan.stages.size()) plan.stages.resize(stage[v] + 1);
    plan.stages[stage[v]].push_back(name);
    plan.stage_of[name] = stage[v];
    plan.upstream[name];
  }
  for (const auto& [from, to] : edges) {
    std::vector<std::string>& upstream = plan.upstream[to];
    if (std::find(upstream.begin(), upstream.end(), from) == upstream.end()) {
      upstream.push_back(from);
    }
  }
  result.plan = std::move(plan);
  return result;
}

}  // namespace pd::spec
