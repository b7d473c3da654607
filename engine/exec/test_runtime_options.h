// Test helper: WorkflowRuntime options for a workflow folder written by a test — one isolate,
// and no mounted secrets or config overrides from the machine (/app/...).
#pragma once

#include "engine/exec/workflow_runtime.h"

namespace pd::exec::testing {

inline WorkflowRuntimeOptions isolated_runtime_options(const std::filesystem::path& workflow_dir) {
  WorkflowRuntimeOptions options;
  options.workflow_dir = workflow_dir;
  options.mounted_secrets = workflow_dir / "none";
  options.config_dir = workflow_dir / "none";
  options.isolates = 1;
  return options;
}

}  // namespace pd::exec::testing
