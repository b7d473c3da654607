#include "engine/js/transform_cache.h"

#include <fstream>
#include <sstream>

#include "engine/util/file_io.h"

namespace pd::js {

TransformCache::TransformCache(std::filesystem::path dir) : dir_(std::move(dir)) {
  if (dir_.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  disk_ok_ = !ec && std::filesystem::is_directory(dir_, ec);
}

bool TransformCache::persistent() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return disk_ok_;
}

std::filesystem::path TransformCache::file_for(const std::string& kind,
                                               const std::string& key) const {
  return dir_ / (key + "." + kind);
}

std::optional<std::string> TransformCache::get(const std::string& kind, const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = memory_.find(kind + ":" + key);
  if (found != memory_.end()) return found->second;
  if (!disk_ok_) return std::nullopt;
  std::ifstream in(file_for(kind, key), std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  memory_[kind + ":" + key] = text.str();
  return text.str();
}

void TransformCache::put(const std::string& kind, const std::string& key,
                         const std::string& value) {
  std::lock_guard<std::mutex> lock(mutex_);
  memory_[kind + ":" + key] = value;
  if (disk_ok_ && !write_file_atomically(file_for(kind, key), value).is_ok()) {
    disk_ok_ = false;  // e.g. a read-only filesystem: keep working from memory
  }
}

}  // namespace pd::js
