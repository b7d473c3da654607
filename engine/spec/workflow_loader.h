// Loads a workflow folder end to end: reads workflow.yaml, parses it, checks files and the graph,
// and compiles the plan. All problems are collected in one DiagnosticList.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "engine/spec/dag_compiler.h"
#include "engine/spec/workflow.h"
#include "engine/util/diagnostic.h"

namespace pd::spec {

struct LoadedWorkflow {
  std::string source;  // the text of workflow.yaml, for diagnostics
  Workflow workflow;
  std::optional<Plan> plan;  // set only when there are no errors
  DiagnosticList diagnostics;

  bool ok() const { return !diagnostics.has_errors(); }
  // Every diagnostic, formatted with source lines.
  std::string format_diagnostics() const { return diagnostics.format(source); }
};

// `path` is a workflow folder or its workflow.yaml.
LoadedWorkflow load_workflow(const std::filesystem::path& path);

// Parses and checks `source` as the workflow.yaml of folder `dir`; `file` is how diagnostics
// name it.
LoadedWorkflow load_workflow_text(std::string source, const std::filesystem::path& dir,
                                  const std::string& file);

}  // namespace pd::spec
