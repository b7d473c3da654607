// TypeScript → JavaScript transforms and V8 code caches, keyed by content hash, shared by every
// Runtime of a pool (thread-safe). With a folder it also persists there, so a second process loads
// a node without re-stripping or re-compiling; when that folder cannot be written (a read-only
// root filesystem in a pod) it quietly stays in memory. Nothing is written anywhere else.
#pragma once

#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace pd::js {

class TransformCache {
 public:
  explicit TransformCache(std::filesystem::path dir = {});

  // Entries are keyed by a hash the caller computes; `kind` separates namespaces ("js", "v8").
  std::optional<std::string> get(const std::string& kind, const std::string& key);
  void put(const std::string& kind, const std::string& key, const std::string& value);
  bool persistent() const;

 private:
  std::filesystem::path file_for(const std::string& kind, const std::string& key) const;

  mutable std::mutex mutex_;
  std::filesystem::path dir_;
  bool disk_ok_ = false;
  std::unordered_map<std::string, std::string> memory_;
};

}  // namespace pd::js
