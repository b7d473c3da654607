#include "fakes/k8s/state_directory.h"

#include "engine/util/file_io.h"

namespace pd::fake_k8s {

StateDirectory::StateDirectory(std::filesystem::path dir,
                               std::function<void(const std::string&)> on_error)
    : dir_(std::move(dir)), on_error_(std::move(on_error)) {}

std::filesystem::path StateDirectory::file_of(const ResourceType& type, const std::string& ns,
                                              const std::string& name) const {
  return dir_ / type.qualified_plural() / (ns.empty() ? "_cluster" : ns) / (name + ".json");
}

Status StateDirectory::load(const ResourceCatalog& catalog, ObjectStore& store) const {
  std::error_code ec;
  if (!std::filesystem::exists(dir_, ec)) return Status::ok();
  // The global version survives restarts even when its last change was a deletion, so that
  // resourceVersions never go backwards.
  Result<std::string> version = read_text_file(dir_ / "resource-version");
  if (version.is_ok()) store.restore_version(std::strtoull(version.value().c_str(), nullptr, 10));
  for (const ResourceType& type : catalog.types()) {
    std::filesystem::path type_dir = dir_ / type.qualified_plural();
    if (!std::filesystem::is_directory(type_dir, ec)) continue;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(type_dir, ec)) {
      if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
      Result<std::string> text = read_text_file(entry.path());
      if (!text.is_ok()) return text.status();
      nlohmann::json object = nlohmann::json::parse(text.value(), nullptr, false);
      if (object.is_discarded() || !object.contains("metadata")) {
        return invalid_argument(entry.path().string() +
                                ": not a saved object (invalid JSON); remove it or the state "
                                "folder");
      }
      std::string ns = entry.path().parent_path().filename().string();
      std::string name = object["metadata"].value("name", "");
      store.restore(type, ns == "_cluster" ? "" : ns, name, std::move(object));
    }
  }
  return Status::ok();
}

void StateDirectory::write(const std::filesystem::path& file, const std::string& content) const {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  Status written = write_file_atomically(file, content);
  if (!written.is_ok()) on_error_(written.message());
}

void StateDirectory::record(const WatchEvent& event) const {
  std::string name = event.object["metadata"].value("name", "");
  std::filesystem::path file = file_of(*event.resource, event.namespace_name, name);
  if (event.type == EventType::kDeleted) {
    std::error_code ec;
    std::filesystem::remove(file, ec);
  } else {
    write(file, event.object.dump());
  }
  write(dir_ / "resource-version", std::to_string(event.resource_version));
}

}  // namespace pd::fake_k8s
