#include "engine/exec/data_files.h"

#include "engine/util/yaml_adapter.h"
#include "engine/util/yaml_tree.h"

namespace pd::exec {

Result<nlohmann::json> parse_data_text(const std::string& text, const std::string& file_name) {
  YamlParse parsed = parse_yaml(text);
  if (!parsed.ok) {
    return invalid_argument(file_name + ":" + std::to_string(parsed.error_pos.line) + ":" +
                            std::to_string(parsed.error_pos.column) +
                            ": error: " + parsed.error_message);
  }
  return nlohmann::json(yaml_to_json(parsed.root));
}

Result<std::vector<std::string>> folder_files(const FileSystem& fs,
                                              const std::filesystem::path& dir) {
  Result<std::vector<DirEntry>> entries = fs.read_dir(dir);
  if (!entries.is_ok()) return entries.status();
  std::vector<std::string> out;
  for (const DirEntry& entry : entries.value()) {
    if (entry.name.starts_with(".")) continue;  // ..data, ..2026_01_01…, .gitkeep
    if (entry.is_directory) continue;
    if (entry.is_symlink) {
      Result<FileInfo> target = fs.stat(dir / entry.name, true);
      if (!target.is_ok() || !target.value().is_file) continue;
    }
    out.push_back(entry.name);
  }
  return out;
}

void deep_merge(nlohmann::json& base, const nlohmann::json& overlay) {
  if (!base.is_object() || !overlay.is_object()) {
    base = overlay;
    return;
  }
  for (const auto& [key, value] : overlay.items()) {
    if (base.contains(key) && base[key].is_object() && value.is_object()) {
      deep_merge(base[key], value);
    } else {
      base[key] = value;
    }
  }
}

}  // namespace pd::exec
