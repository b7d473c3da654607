// The filesystem a node sees under a fixture with `files`: the listed paths (text, bytes,
// symlinks, or the real file with passthrough), the folders they imply, and the workflow folder
// itself (its modules); everything else is not found. Writes stay in memory.
#pragma once

#include <filesystem>
#include <map>
#include <mutex>

#include "engine/util/file_system.h"
#include "harness/fixture.h"

namespace pd::harness {

class FixtureFileSystem : public FileSystem {
 public:
  // Relative paths in `files` are taken from `workflow_dir` (the node's working folder).
  FixtureFileSystem(const std::map<std::string, FixtureFile>& files, std::filesystem::path workflow_dir);

  Result<std::string> read_file(const std::filesystem::path& path) const override;
  Result<FileInfo> stat(const std::filesystem::path& path, bool follow_symlinks) const override;
  Result<std::vector<DirEntry>> read_dir(const std::filesystem::path& path) const override;
  Status write_file(const std::filesystem::path& path, const std::string& content, bool append,
                    bool create) const override;
  Status make_dir(const std::filesystem::path& path, bool recursive) const override;
  Status remove(const std::filesystem::path& path, bool recursive) const override;

  // The folders holding the virtual files (to grant the node read access to).
  std::vector<std::filesystem::path> roots() const;

 private:
  std::filesystem::path absolute(const std::filesystem::path& path) const;
  bool real(const std::filesystem::path& path) const;  // served from the disk
  // Follows virtual symlinks (at most 16).
  std::filesystem::path resolve(std::filesystem::path path) const;
  bool is_virtual_dir(const std::filesystem::path& path) const;

  std::filesystem::path workflow_dir_;
  RealFileSystem disk_;
  mutable std::mutex mutex_;
  mutable std::map<std::filesystem::path, FixtureFile> files_;
  mutable std::map<std::filesystem::path, bool> dirs_;  // made with mkdir
};

}  // namespace pd::harness
