// A workflow's files as one gzip-compressed JSON document — how `kubectl pd deploy` ships code
// that would not fit a ConfigMap uncompressed, and what pd-engine unpacks when the mounted
// workflow folder holds that archive instead of workflow.yaml.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "engine/util/status.h"
#include "engine/util/temp_dir.h"

namespace pd::spec {

// The one file name (and ConfigMap key) the archive travels under.
inline constexpr const char* kCodeArchiveName = "pd-code.json.gz";

// relative path → content (bytes).
using CodeFiles = std::map<std::string, std::string>;

std::string pack_code_archive(const CodeFiles& files);
// Errors name what is wrong: not gzip, not the archive's JSON shape, a path that is absolute or
// leaves the folder (`..`).
Result<CodeFiles> unpack_code_archive(std::string_view archive);

// A workflow folder ready to load: `dir` itself, or — when it holds only the archive — a
// temporary folder the archive was unpacked into, removed when this is destroyed.
class UnpackedWorkflowDir {
 public:
  static Result<UnpackedWorkflowDir> open(const std::filesystem::path& dir);
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  std::shared_ptr<TempDir> unpacked_;
};

}  // namespace pd::spec
