#include "harness/fixture_file_system.h"

#include <set>

namespace pd::harness {
namespace {

Status not_found_error(const std::filesystem::path& path) {
  return not_found("No such file or directory (os error 2): " + path.string());
}

bool is_under(const std::filesystem::path& path, const std::filesystem::path& dir) {
  auto rel = path.lexically_relative(dir);
  return !rel.empty() && !rel.string().starts_with("..");
}

}  // namespace

FixtureFileSystem::FixtureFileSystem(const std::map<std::string, FixtureFile>& files,
                                     std::filesystem::path workflow_dir)
    : workflow_dir_(std::move(workflow_dir)) {
  for (const auto& [path, entry] : files) files_[absolute(path)] = entry;
}

std::filesystem::path FixtureFileSystem::absolute(const std::filesystem::path& path) const {
  return (path.is_absolute() ? path : workflow_dir_ / path).lexically_normal();
}

std::filesystem::path FixtureFileSystem::resolve(std::filesystem::path path) const {
  path = absolute(path);
  for (int hops = 0; hops < 16; ++hops) {
    auto it = files_.find(path);
    if (it == files_.end() || it->second.symlink.empty()) return path;
    std::filesystem::path target = it->second.symlink;
    path = (target.is_absolute() ? target : path.parent_path() / target).lexically_normal();
  }
  return path;
}

bool FixtureFileSystem::real(const std::filesystem::path& path) const {
  auto it = files_.find(path);
  if (it != files_.end()) return it->second.passthrough;
  return path == workflow_dir_ || is_under(path, workflow_dir_);
}

bool FixtureFileSystem::is_virtual_dir(const std::filesystem::path& path) const {
  if (dirs_.count(path)) return true;
  for (const auto& [file, entry] : files_) {
    if (is_under(file, path)) return true;
  }
  return false;
}

std::vector<std::filesystem::path> FixtureFileSystem::roots() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::set<std::filesystem::path> out;
  for (const auto& [file, entry] : files_) out.insert(file.parent_path());
  return {out.begin(), out.end()};
}

Result<std::string> FixtureFileSystem::read_file(const std::filesystem::path& path) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::filesystem::path target = resolve(path);
  if (real(target)) return disk_.read_file(target);
  auto it = files_.find(target);
  if (it != files_.end() && it->second.symlink.empty()) return it->second.content;
  if (is_virtual_dir(target)) return invalid_argument("Is a directory (os error 21): " + path.string());
  return not_found_error(path);
}

Result<FileInfo> FixtureFileSystem::stat(const std::filesystem::path& path, bool follow_symlinks) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::filesystem::path target = follow_symlinks ? resolve(path) : absolute(path);
  if (real(target)) return disk_.stat(target, follow_symlinks);
  FileInfo info;
  auto it = files_.find(target);
  if (it != files_.end()) {
    info.is_symlink = !it->second.symlink.empty();
    info.is_file = !info.is_symlink;
    info.size = info.is_file ? it->second.content.size() : it->second.symlink.size();
    return info;
  }
  if (is_virtual_dir(target)) {
    info.is_directory = true;
    return info;
  }
  return not_found_error(path);
}

Result<std::vector<DirEntry>> FixtureFileSystem::read_dir(const std::filesystem::path& path) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::filesystem::path dir = resolve(path);
  if (real(dir) && !is_virtual_dir(dir)) return disk_.read_dir(dir);
  if (!is_virtual_dir(dir)) return not_found_error(path);
  std::map<std::string, DirEntry> entries;
  for (const auto& [file, entry] : files_) {
    if (!is_under(file, dir)) continue;
    std::filesystem::path rel = file.lexically_relative(dir);
    std::string first = rel.begin()->string();
    bool direct = std::next(rel.begin()) == rel.end();
    DirEntry& out = entries[first];
    out.name = first;
    out.is_directory = out.is_directory || !direct;
    out.is_symlink = direct && !entry.symlink.empty();
    out.is_file = direct && entry.symlink.empty();
  }
  for (const auto& [made, unused] : dirs_) {
    if (made.parent_path() == dir) entries[made.filename().string()] = {made.filename().string(), false, true, false};
  }
  std::vector<DirEntry> out;
  for (auto& [name, entry] : entries) out.push_back(entry);
  return out;
}

Status FixtureFileSystem::write_file(const std::filesystem::path& path, const std::string& content,
                                     bool append, bool create) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::filesystem::path target = resolve(path);
  auto it = files_.find(target);
  if (it == files_.end()) {
    if (!create) return not_found_error(path);
    files_[target] = FixtureFile{content, "", false};
    return Status();
  }
  it->second.passthrough = false;  // written files stay in memory
  it->second.content = append ? it->second.content + content : content;
  return Status();
}

Status FixtureFileSystem::make_dir(const std::filesystem::path& path, bool recursive) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::filesystem::path dir = absolute(path);
  if (is_virtual_dir(dir) && !recursive) {
    return Status(StatusCode::kAlreadyExists, "File exists (os error 17): " + path.string());
  }
  dirs_[dir] = true;
  return Status();
}

Status FixtureFileSystem::remove(const std::filesystem::path& path, bool recursive) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::filesystem::path target = absolute(path);
  if (files_.erase(target) > 0) return Status();
  if (!is_virtual_dir(target)) return not_found_error(path);
  bool has_children = false;
  for (const auto& [file, entry] : files_) has_children = has_children || is_under(file, target);
  if (has_children && !recursive) return failed_precondition("Directory not empty (os error 39): " + path.string());
  for (auto it = files_.begin(); it != files_.end();) {
    it = is_under(it->first, target) ? files_.erase(it) : std::next(it);
  }
  dirs_.erase(target);
  return Status();
}

}  // namespace pd::harness
