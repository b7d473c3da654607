#include "engine/spec/workflow_discovery.h"

#include <algorithm>

namespace pd::spec {
namespace {

bool is_workflow_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  return std::filesystem::is_regular_file(dir / "workflow.yaml", ec);
}

void collect(const std::filesystem::path& dir, std::vector<std::filesystem::path>& found) {
  if (is_workflow_dir(dir)) {
    found.push_back(dir);
    return;  // a workflow's own subfolders (nodes/, tests/) hold no further workflows
  }
  std::error_code ec;
  std::vector<std::filesystem::path> children;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.starts_with(".") || name == "node_modules") continue;
    if (entry.is_directory(ec)) children.push_back(entry.path());
  }
  std::sort(children.begin(), children.end());
  for (const auto& child : children) collect(child, found);
}

}  // namespace

Result<std::vector<std::filesystem::path>> find_workflow_dirs(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec)) {
    return std::vector<std::filesystem::path>{path};
  }
  if (!std::filesystem::is_directory(path, ec)) {
    return not_found(path.string() + ": no such file or folder");
  }
  std::vector<std::filesystem::path> found;
  collect(path, found);
  if (found.empty()) {
    return not_found(path.string() + ": no workflow.yaml in this folder or below it");
  }
  return found;
}

}  // namespace pd::spec
