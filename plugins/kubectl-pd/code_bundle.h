// The files of a workflow that ship in its code ConfigMap: workflow.yaml and everything the nodes
// may need (node files, shared modules, subfolders, deno.json / import maps, vendor/), but not
// secrets, tests, the config override folder or hidden entries. ConfigMap keys flatten paths
// reversibly: "/" becomes "__", "_" becomes "_5f" and any byte outside [-.A-Za-z0-9] "_xx".
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "engine/util/status.h"

namespace pd::kubectl_pd {

struct CodeBundle {
  std::map<std::string, std::string> files;  // relative path → content
  std::string content_hash;                  // sha256 over paths and contents
  size_t total_bytes = 0;
  // Set when the files travel compressed (spec::kCodeArchiveName in binaryData) because they
  // come near the ConfigMap size limit.
  std::string archive;
};

Result<CodeBundle> collect_code_bundle(const std::filesystem::path& workflow_dir);

// Above this many bytes the code is shipped as a gzip archive.
inline constexpr size_t kCompressAboveBytes = 768 * 1024;
// What a ConfigMap can hold, less room for metadata and annotations.
inline constexpr size_t kConfigMapDataLimit = 1000 * 1024;

// Compresses the bundle when it nears the limit; InvalidArgument listing every file's size when
// even the archive does not fit.
Status fit_into_configmap(CodeBundle& bundle);

// The files of a code ConfigMap (plain keys or the archive), by relative path.
Result<std::map<std::string, std::string>> code_files_of(const nlohmann::json& configmap);

std::string flatten_key(const std::string& relative_path);
// nullopt when `key` is not a flattened path.
std::optional<std::string> unflatten_key(const std::string& key);

}  // namespace pd::kubectl_pd
