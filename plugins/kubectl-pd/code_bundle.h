// The files of a workflow that ship in its code ConfigMap: workflow.yaml and everything the nodes
// may need (node files, shared modules, subfolders, deno.json / import maps, vendor/), but not
// secrets, tests, the config override folder or hidden entries. ConfigMap keys flatten paths
// reversibly: "/" becomes "__", "_" becomes "_5f" and any byte outside [-.A-Za-z0-9] "_xx".
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "engine/util/status.h"

namespace pd::kubectl_pd {

struct CodeBundle {
  std::map<std::string, std::string> files;  // relative path → content
  std::string content_hash;                  // sha256 over paths and contents
  size_t total_bytes = 0;
};

Result<CodeBundle> collect_code_bundle(const std::filesystem::path& workflow_dir);

std::string flatten_key(const std::string& relative_path);
// nullopt when `key` is not a flattened path.
std::optional<std::string> unflatten_key(const std::string& key);

}  // namespace pd::kubectl_pd
