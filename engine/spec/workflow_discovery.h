// Finding workflow folders: a folder with a workflow.yaml is one; any other folder stands for
// every workflow folder below it (hidden folders and node_modules are skipped).
#pragma once

#include <filesystem>
#include <vector>

#include "engine/util/status.h"

namespace pd::spec {

// The workflow folders at or below `path`, sorted. `path` may also be a workflow.yaml file.
// NotFound when there are none.
Result<std::vector<std::filesystem::path>> find_workflow_dirs(const std::filesystem::path& path);

}  // namespace pd::spec
