// `--state DIR`: every object persisted as its own JSON file, written atomically (temporary
// file + rename) as it changes and removed when it is deleted, and loaded back on start — so a
// local cluster survives restarts. Layout: DIR/<plural[.group]>/<namespace or
// _cluster>/<name>.json.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "engine/util/status.h"
#include "fakes/k8s/object_store.h"

namespace pd::fake_k8s {

class StateDirectory {
 public:
  // `on_error` hears about files that could not be written (the change stays in memory).
  StateDirectory(std::filesystem::path dir, std::function<void(const std::string&)> on_error);

  // Loads every saved object into `store`; InvalidArgument naming the file that cannot be read.
  Status load(const ResourceCatalog& catalog, ObjectStore& store) const;

  // Writes or removes the file of the changed object.
  void record(const WatchEvent& event) const;

 private:
  std::filesystem::path file_of(const ResourceType& type, const std::string& ns,
                                const std::string& name) const;
  // Writes atomically (creating folders); failures go to on_error_.
  void write(const std::filesystem::path& file, const std::string& content) const;

  std::filesystem::path dir_;
  std::function<void(const std::string&)> on_error_;
};

}  // namespace pd::fake_k8s
