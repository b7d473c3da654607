// Reading the data files around a workflow (secrets, config overrides): YAML or JSON text into
// JSON with errors that name the file, line and column, and the entries of a mounted folder as
// Kubernetes lays them out (each key a symlink into `..data/`, hidden entries skipped).
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/util/file_system.h"
#include "engine/util/status.h"

namespace pd::exec {

// YAML (and so JSON) text → JSON. InvalidArgument "FILE:LINE:COL: error: …" on a syntax error.
Result<nlohmann::json> parse_data_text(const std::string& text, const std::string& file_name);

// The visible entries of `dir` that are files or symlinks to files, sorted by name. NotFound when
// `dir` does not exist.
Result<std::vector<std::string>> folder_files(const FileSystem& fs, const std::filesystem::path& dir);

// `overlay` merged into `base`: objects key by key, recursively; anything else replaces.
void deep_merge(nlohmann::json& base, const nlohmann::json& overlay);

}  // namespace pd::exec
