// The DAG of a compiled workflow as a diagram: Mermaid (`graph TD`) or Graphviz dot, with one
// box per stage. Output is deterministic (node order, then edge declaration order).
#pragma once

#include <string>

#include "engine/spec/dag_compiler.h"
#include "engine/spec/workflow.h"

namespace pd::spec {

std::string render_mermaid(const Workflow& workflow, const Plan& plan);
std::string render_dot(const Workflow& workflow, const Plan& plan);

}  // namespace pd::spec
