// The filesystem as a collaborator: the JS runtime's Deno APIs read through it, so the harness
// can serve a virtual filesystem to nodes while the engine uses the real one.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/util/status.h"

namespace pd {

struct FileInfo {
  bool is_file = false;
  bool is_directory = false;
  bool is_symlink = false;
  uint64_t size = 0;
  double mtime_ms = 0;  // milliseconds since the epoch; 0 when unknown
};

struct DirEntry {
  std::string name;
  bool is_file = false;
  bool is_directory = false;
  bool is_symlink = false;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // NotFound, PermissionDenied or InvalidArgument (a directory) with the path in the message.
  virtual Result<std::string> read_file(const std::filesystem::path& path) const = 0;
  // `follow_symlinks` false reports a symlink itself (lstat).
  virtual Result<FileInfo> stat(const std::filesystem::path& path, bool follow_symlinks) const = 0;
  // Entries sorted by name; symlinks reported as such.
  virtual Result<std::vector<DirEntry>> read_dir(const std::filesystem::path& path) const = 0;
  // Writes (or appends to) a file; `create` false fails with NotFound when it does not exist.
  virtual Status write_file(const std::filesystem::path& path, const std::string& content,
                            bool append, bool create) const = 0;
  // AlreadyExists when it exists and `recursive` is false.
  virtual Status make_dir(const std::filesystem::path& path, bool recursive) const = 0;
  // A file, an empty folder, or with `recursive` any folder.
  virtual Status remove(const std::filesystem::path& path, bool recursive) const = 0;
};

class RealFileSystem : public FileSystem {
 public:
  Result<std::string> read_file(const std::filesystem::path& path) const override;
  Result<FileInfo> stat(const std::filesystem::path& path, bool follow_symlinks) const override;
  Result<std::vector<DirEntry>> read_dir(const std::filesystem::path& path) const override;
  Status write_file(const std::filesystem::path& path, const std::string& content, bool append,
                    bool create) const override;
  Status make_dir(const std::filesystem::path& path, bool recursive) const override;
  Status remove(const std::filesystem::path& path, bool recursive) const override;
};

}  // namespace pd
