// Import maps from the workflow's deno.json (`imports`, `scopes`, or `importMap` naming a file)
// or import_map.json, resolved as Deno does for the cases workflows use: exact keys, prefix keys
// ending in "/", and scopes chosen by the importing file's path. No V8 here.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/util/file_system.h"
#include "engine/util/status.h"

namespace pd::js {

class ImportMap {
 public:
  // Reads deno.json or import_map.json from `workflow_dir` (an empty map when neither exists).
  // InvalidArgument naming the file for malformed JSON or entries.
  static Result<ImportMap> load(const std::filesystem::path& workflow_dir, const FileSystem& fs);

  // The mapped address of `specifier` imported from `referrer` (a path relative to the workflow
  // folder, e.g. "nodes/fetch.ts"), or nothing when no entry matches. Addresses that start with
  // "./", "../" or "/" are relative to the workflow folder.
  std::optional<std::string> resolve(const std::string& specifier,
                                     const std::string& referrer) const;

  bool empty() const { return imports_.empty() && scopes_.empty(); }

 private:
  using Entries = std::map<std::string, std::string>;
  static std::optional<std::string> lookup(const Entries& entries, const std::string& specifier);

  Entries imports_;
  std::vector<std::pair<std::string, Entries>> scopes_;  // longest prefix first
};

}  // namespace pd::js
