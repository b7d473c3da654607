// Paths inside a workflow folder: user-written relative paths are confined to the folder, both
// lexically (`..`) and after following symlinks.
#pragma once

#include <filesystem>
#include <string_view>

#include "engine/util/status.h"

namespace pd {

// Resolves `relative` against `root`. InvalidArgument when it is absolute or leaves `root`
// (lexically or through a symlink). The result need not exist.
Result<std::filesystem::path> resolve_inside(const std::filesystem::path& root,
                                             std::string_view relative);

}  // namespace pd
