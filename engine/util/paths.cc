#include "engine/util/paths.h"

namespace pd {
namespace {

// True when `path` (normalized) is `root` or below it.
bool is_within(const std::filesystem::path& root, const std::filesystem::path& path) {
  auto root_it = root.begin();
  auto path_it = path.begin();
  for (; root_it != root.end(); ++root_it, ++path_it) {
    if (root_it->empty()) continue;  // trailing separator of "dir/"
    if (path_it == path.end() || *root_it != *path_it) return false;
  }
  return true;
}

}  // namespace

Result<std::filesystem::path> resolve_inside(const std::filesystem::path& root,
                                             std::string_view relative) {
  std::filesystem::path rel(relative);
  if (rel.is_absolute()) {
    return invalid_argument("\"" + std::string(relative) +
                            "\" is an absolute path; write it relative to the workflow folder");
  }
  std::filesystem::path normal = rel.lexically_normal();
  if (!normal.empty() && *normal.begin() == "..") {
    return invalid_argument("\"" + std::string(relative) + "\" points outside the workflow folder");
  }
  std::filesystem::path joined = root / normal;
  std::error_code ec;
  std::filesystem::path real_root = std::filesystem::weakly_canonical(root, ec);
  std::filesystem::path real_path = std::filesystem::weakly_canonical(joined, ec);
  if (!ec && !is_within(real_root, real_path)) {
    return invalid_argument("\"" + std::string(relative) + "\" resolves (through a symlink) to " +
                            real_path.string() + ", outside the workflow folder");
  }
  return joined;
}

}  // namespace pd
