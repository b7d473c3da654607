// Reading user files into memory with errors a user can act on (the path and the OS reason).
#pragma once

#include <filesystem>
#include <string>

#include "engine/util/status.h"

namespace pd {

// Reads the whole file. NotFound when it does not exist, InvalidArgument when it is a directory,
// PermissionDenied/Internal with the OS reason otherwise.
Result<std::string> read_text_file(const std::filesystem::path& path);

}  // namespace pd
