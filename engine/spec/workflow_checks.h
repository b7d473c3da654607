// Checks that span fields or need the filesystem: node files exist inside the workflow folder,
// edges name defined nodes with no self-loops, duplicates or cycles. The graph check compiles the
// plan, since finding cycles is part of compiling.
#pragma once

#include <optional>

#include "engine/spec/dag_compiler.h"
#include "engine/spec/workflow.h"
#include "engine/util/diagnostic.h"

namespace pd::spec {

// Node paths (and queue schemas) must be relative, stay inside `workflow.dir`, and name files.
void check_workflow_files(const Workflow& workflow, DiagnosticList& diagnostics);

// Edge references, self-loops, duplicate edges and cycles; returns the plan when the graph is
// sound (even if other parts of the file had errors).
std::optional<Plan> check_and_compile_graph(const Workflow& workflow, DiagnosticList& diagnostics);

}  // namespace pd::spec
