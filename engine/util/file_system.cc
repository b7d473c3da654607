#include "engine/util/file_system.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "engine/util/file_io.h"

namespace pd {
namespace {

Status from_errno(int err, const std::filesystem::path& path) {
  std::string message = std::string(std::strerror(err)) + ": " + path.string();
  if (err == ENOENT || err == ENOTDIR) return Status(StatusCode::kNotFound, message);
  if (err == EACCES || err == EPERM || err == EROFS) {
    return Status(StatusCode::kPermissionDenied, message);
  }
  if (err == EEXIST) return Status(StatusCode::kAlreadyExists, message);
  if (err == EISDIR) return Status(StatusCode::kInvalidArgument, message);
  return Status(StatusCode::kInternal, message);
}

}  // namespace

Result<std::string> RealFileSystem::read_file(const std::filesystem::path& path) const {
  return read_text_file(path);
}

Result<FileInfo> RealFileSystem::stat(const std::filesystem::path& path,
                                      bool follow_symlinks) const {
  struct stat st {};
  int rc = follow_symlinks ? ::stat(path.c_str(), &st) : ::lstat(path.c_str(), &st);
  if (rc != 0) return from_errno(errno, path);
  FileInfo info;
  info.is_file = S_ISREG(st.st_mode);
  info.is_directory = S_ISDIR(st.st_mode);
  info.is_symlink = S_ISLNK(st.st_mode);
  info.size = static_cast<uint64_t>(st.st_size);
  info.mtime_ms = static_cast<double>(st.st_mtim.tv_sec) * 1000.0 +
                  static_cast<double>(st.st_mtim.tv_nsec) / 1e6;
  return info;
}

Result<std::vector<DirEntry>> RealFileSystem::read_dir(const std::filesystem::path& path) const {
  std::error_code ec;
  std::filesystem::directory_iterator it(path, ec);
  if (ec) return from_errno(ec.value(), path);
  std::vector<DirEntry> entries;
  for (const auto& entry : it) {
    DirEntry out;
    out.name = entry.path().filename().string();
    out.is_symlink = entry.is_symlink(ec);
    out.is_directory = !out.is_symlink && entry.is_directory(ec);
    out.is_file = !out.is_symlink && entry.is_regular_file(ec);
    entries.push_back(out);
  }
  std::sort(entries.begin(), entries.end(),
            [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
  return entries;
}

Status RealFileSystem::write_file(const std::filesystem::path& path, const std::string& content,
                                  bool append, bool create) const {
  std::error_code ec;
  if (!create && !std::filesystem::exists(path, ec)) return from_errno(ENOENT, path);
  if (std::filesystem::is_directory(path, ec)) return from_errno(EISDIR, path);
  std::ofstream out(path, std::ios::binary | (append ? std::ios::app : std::ios::trunc));
  if (!out) return from_errno(errno ? errno : EACCES, path);
  out << content;
  out.close();
  if (!out) return from_errno(errno ? errno : EIO, path);
  return Status();
}

Status RealFileSystem::make_dir(const std::filesystem::path& path, bool recursive) const {
  std::error_code ec;
  if (recursive) {
    std::filesystem::create_directories(path, ec);
  } else if (!std::filesystem::create_directory(path, ec) && !ec) {
    return from_errno(EEXIST, path);
  }
  return ec ? from_errno(ec.value(), path) : Status();
}

Status RealFileSystem::remove(const std::filesystem::path& path, bool recursive) const {
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::symlink_status(path, ec))) {
    return from_errno(ENOENT, path);
  }
  if (recursive) {
    std::filesystem::remove_all(path, ec);
  } else {
    std::filesystem::remove(path, ec);
  }
  return ec ? from_errno(ec.value(), path) : Status();
}

}  // namespace pd
