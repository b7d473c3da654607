#include "engine/js/import_map.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace pd::js {
namespace {

// "./nodes/" and "nodes/" name the same scope; keep one form.
std::string normalize_scope(std::string scope) {
  if (scope.starts_with("./")) scope = scope.substr(2);
  if (scope.starts_with("/")) scope = scope.substr(1);
  return scope;
}

Status read_entries(const nlohmann::json& object, const std::string& file, const std::string& field,
                    std::map<std::string, std::string>& out) {
  if (!object.is_object()) {
    return invalid_argument(file + ": `" + field + "` must be an object of specifier → address");
  }
  for (const auto& [key, value] : object.items()) {
    if (!value.is_string()) {
      return invalid_argument(file + ": `" + field + "[\"" + key + "\"]` must be a string address");
    }
    out[key] = value.get<std::string>();
  }
  return Status::ok();
}

}  // namespace

Result<ImportMap> ImportMap::load(const std::filesystem::path& workflow_dir, const FileSystem& fs) {
  ImportMap map;
  std::string file_name;
  Result<std::string> text = fs.read_file(workflow_dir / "deno.json");
  if (text.is_ok()) {
    file_name = "deno.json";
  } else {
    text = fs.read_file(workflow_dir / "import_map.json");
    if (!text.is_ok()) return map;
    file_name = "import_map.json";
  }
  nlohmann::json json = nlohmann::json::parse(text.value(), nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return invalid_argument(file_name + ": not a JSON object");
  }
  if (file_name == "deno.json" && json.contains("importMap") && json["importMap"].is_string()) {
    std::string linked = json["importMap"].get<std::string>();
    Result<std::string> linked_text = fs.read_file(workflow_dir / linked);
    if (!linked_text.is_ok()) {
      return invalid_argument("deno.json: `importMap` names " + linked +
                              ", which cannot be read: " + linked_text.status().message());
    }
    file_name = linked;
    json = nlohmann::json::parse(linked_text.value(), nullptr, false);
    if (json.is_discarded() || !json.is_object()) {
      return invalid_argument(file_name + ": not a JSON object");
    }
  }
  if (json.contains("imports")) {
    Status read = read_entries(json["imports"], file_name, "imports", map.imports_);
    if (!read.is_ok()) return read;
  }
  if (json.contains("scopes")) {
    if (!json["scopes"].is_object())
      return invalid_argument(file_name + ": `scopes` must be an object");
    for (const auto& [scope, entries] : json["scopes"].items()) {
      Entries parsed;
      Status read = read_entries(entries, file_name, "scopes[\"" + scope + "\"]", parsed);
      if (!read.is_ok()) return read;
      map.scopes_.push_back({normalize_scope(scope), std::move(parsed)});
    }
    std::sort(map.scopes_.begin(), map.scopes_.end(),
              [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  }
  return map;
}

std::optional<std::string> ImportMap::lookup(const Entries& entries, const std::string& specifier) {
  auto exact = entries.find(specifier);
  if (exact != entries.end()) return exact->second;
  // The longest key that ends in "/" and prefixes the specifier.
  const std::pair<const std::string, std::string>* best = nullptr;
  for (const auto& entry : entries) {
    if (entry.first.ends_with("/") && specifier.starts_with(entry.first) &&
        (best == nullptr || entry.first.size() > best->first.size())) {
      best = &entry;
    }
  }
  if (best == nullptr) return std::nullopt;
  return best->second + specifier.substr(best->first.size());
}

std::optional<std::string> ImportMap::resolve(const std::string& specifier,
                                              const std::string& referrer) const {
  for (const auto& [scope, entries] : scopes_) {
    if (referrer.starts_with(scope)) {
      if (auto found = lookup(entries, specifier)) return found;
    }
  }
  return lookup(imports_, specifier);
}

}  // namespace pd::js
