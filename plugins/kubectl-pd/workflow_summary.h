// Loading workflows for a command: expands folders into workflow folders, prints diagnostics
// (warnings and errors) to stderr, and states the one-line summary used by `validate`.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "engine/spec/workflow_loader.h"
#include "plugins/kubectl-pd/command.h"

namespace pd::kubectl_pd {

// Loads every workflow at or below `paths`. Prints diagnostics to io.err; `ok` is false when
// any path had no workflow or any workflow had errors.
struct LoadedSet {
  std::vector<spec::LoadedWorkflow> workflows;
  bool ok = true;
};
LoadedSet load_workflows(const std::vector<std::string>& paths, Io& io);

// `workflow/NAME validated: version V, N nodes in M stages, triggers: manual, cron "…"`.
std::string summary_line(const spec::Workflow& workflow, const spec::Plan& plan);

}  // namespace pd::kubectl_pd
