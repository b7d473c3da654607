// Reading user files into memory with errors a user can act on (the path and the OS reason).
#pragma once

#include <filesystem>
#include <string>

#include "engine/util/status.h"

namespace pd {

// Reads the whole file. NotFound when it does not exist, InvalidArgument when it is a directory,
// PermissionDenied/Internal with the OS reason otherwise.
Result<std::string> read_text_file(const std::filesystem::path& path);

// Writes `content` through a temporary file renamed over `path` (created with `permissions`),
// so readers see the old file or the new one, never a partial write.
Status write_file_atomically(
    const std::filesystem::path& path, const std::string& content,
    std::filesystem::perms permissions = std::filesystem::perms::owner_read |
                                         std::filesystem::perms::owner_write |
                                         std::filesystem::perms::group_read |
                                         std::filesystem::perms::others_read);

}  // namespace pd
