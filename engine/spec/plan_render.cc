#include "engine/spec/plan_render.h"

#include <map>
#include <set>

namespace pd::spec {
namespace {

// Mermaid ids may not contain '-' safely; names map to ids with '_' and stay unique.
std::map<std::string, std::string> mermaid_ids(const Plan& plan) {
  std::map<std::string, std::string> ids;
  std::set<std::string> used;
  for (const std::string& name : plan.node_order) {
    std::string id;
    for (char c : name) id += c == '-' ? '_' : c;
    std::string unique = id;
    for (int n = 2; used.count(unique); ++n) unique = id + "_" + std::to_string(n);
    used.insert(unique);
    ids[name] = unique;
  }
  return ids;
}

std::string dot_quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string render_mermaid(const Workflow& workflow, const Plan& plan) {
  std::map<std::string, std::string> ids = mermaid_ids(plan);
  std::string out = "graph TD\n";
  for (size_t s = 0; s < plan.stages.size(); ++s) {
    std::string stage = std::to_string(s + 1);
    out += "  subgraph stage" + stage + "[\"stage " + stage + "\"]\n";
    for (const std::string& name : plan.stages[s]) {
      out += "    " + ids[name] + "[\"" + name + "\"]\n";
    }
    out += "  end\n";
  }
  for (const Edge& edge : workflow.edges) {
    out += "  " + ids[edge.from] + " --> " + ids[edge.to] + "\n";
  }
  return out;
}

std::string render_dot(const Workflow& workflow, const Plan& plan) {
  std::string out = "digraph " + dot_quote(workflow.name) + " {\n";
  out += "  rankdir=TB;\n  node [shape=box, style=rounded];\n";
  for (size_t s = 0; s < plan.stages.size(); ++s) {
    std::string stage = std::to_string(s + 1);
    out += "  subgraph cluster_stage" + stage + " {\n";
    out += "    label=\"stage " + stage + "\";\n";
    for (const std::string& name : plan.stages[s]) out += "    " + dot_quote(name) + ";\n";
    out += "  }\n";
  }
  for (const Edge& edge : workflow.edges) {
    out += "  " + dot_quote(edge.from) + " -> " + dot_quote(edge.to) + ";\n";
  }
  return out + "}\n";
}

}  // namespace pd::spec
