#include "engine/spec/workflow_checks.h"

#include <set>

#include "engine/util/paths.h"
#include "engine/util/suggest.h"

namespace pd::spec {
namespace {

constexpr const char* kNodeExtensions[] = {".ts", ".mts", ".tsx", ".js", ".mjs", ".jsx"};

// Reports why `relative` is not a usable file inside the workflow folder, if it is not.
void check_file(const Workflow& workflow, std::string_view relative, std::string_view field,
                SourcePos pos, DiagnosticList& diagnostics) {
  Result<std::filesystem::path> resolved = resolve_inside(workflow.dir, relative);
  std::string prefix = "`" + std::string(field) + "`: ";
  if (!resolved.is_ok()) {
    diagnostics.error(pos, prefix + resolved.status().message());
    return;
  }
  std::error_code ec;
  auto status = std::filesystem::status(resolved.value(), ec);
  if (!std::filesystem::exists(status)) {
    diagnostics.error(pos, prefix + "file \"" + std::string(relative) +
                               "\" does not exist in the workflow folder; create it or fix the "
                               "path");
  } else if (!std::filesystem::is_regular_file(status)) {
    diagnostics.error(pos, prefix + "\"" + std::string(relative) + "\" is not a regular file");
  }
}

}  // namespace

void check_workflow_files(const Workflow& workflow, DiagnosticList& diagnostics) {
  for (const Node& node : workflow.nodes) {
    if (node.path.empty()) continue;  // missing path was reported by the parser
    std::string field = "nodes." + node.name + ".path";
    std::string extension = std::filesystem::path(node.path).extension().string();
    bool known = false;
    for (const char* candidate : kNodeExtensions) known = known || extension == candidate;
    if (!known) {
      diagnostics.error(node.path_pos, "`" + field + "`: \"" + node.path +
                                           "\" is not a TypeScript or JavaScript file; expected "
                                           "a .ts, .mts, .tsx, .js, .mjs or .jsx file");
      continue;
    }
    check_file(workflow, node.path, field, node.path_pos, diagnostics);
  }
  for (size_t i = 0; i < workflow.triggers.size(); ++i) {
    const auto* queue = std::get_if<QueueTrigger>(&workflow.triggers[i].kind);
    if (queue == nullptr || queue->schema.empty()) continue;
    check_file(workflow, queue->schema, "triggers[" + std::to_string(i) + "].schema",
               queue->schema_pos, diagnostics);
  }
}

std::optional<Plan> check_and_compile_graph(const Workflow& workflow, DiagnosticList& diagnostics) {
  std::vector<std::string> names;
  for (const Node& node : workflow.nodes) names.push_back(node.name);
  std::set<std::string> defined(names.begin(), names.end());

  bool sound = true;
  std::set<std::pair<std::string, std::string>> seen;
  std::vector<std::pair<std::string, std::string>> edges;
  std::vector<size_t> edge_source;  // index in workflow.edges of each compiled edge
  for (size_t i = 0; i < workflow.edges.size(); ++i) {
    const Edge& edge = workflow.edges[i];
    std::string where = "edges[" + std::to_string(i) + "]";
    bool ends_defined = true;
    for (const auto& [end, value, pos] :
         {std::tuple{"from", edge.from, edge.from_pos}, std::tuple{"to", edge.to, edge.to_pos}}) {
      if (defined.count(value)) continue;
      ends_defined = false;
      std::string message = "`" + where + "." + end + "`: node \"" + value + "\" is not defined";
      std::optional<std::string> suggestion = closest_match(value, names);
      message += suggestion ? " — did you mean \"" + *suggestion + "\"?"
                            : "; add it under `nodes` or fix the name";
      diagnostics.error(pos, message);
    }
    if (!ends_defined) {
      sound = false;
      continue;
    }
    if (edge.from == edge.to) {
      diagnostics.error(edge.pos, "`" + where + "`: node \"" + edge.from +
                                      "\" has an edge to itself; a node cannot depend on its "
                                      "own output");
      sound = false;
      continue;
    }
    if (!seen.insert({edge.from, edge.to}).second) {
      diagnostics.error(edge.pos, "`" + where + "`: duplicate edge " + edge.from + " -> " +
                                      edge.to + "; remove one of them");
      continue;
    }
    edges.push_back({edge.from, edge.to});
    edge_source.push_back(i);
  }

  DagCompilation compiled = compile_dag(names, edges);
  for (const Cycle& cycle : compiled.cycles) {
    const Edge& closing = workflow.edges[edge_source[cycle.closing_edge]];
    diagnostics.error(closing.pos, "the edges form a cycle: " + format_cycle(cycle) +
                                       "; remove one of these edges so the workflow is a DAG");
  }
  if (!sound) return std::nullopt;
  return compiled.plan;
}

}  // namespace pd::spec
