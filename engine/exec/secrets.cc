#include "engine/exec/secrets.h"

#include <algorithm>

#include "engine/exec/data_files.h"
#include "engine/util/json_text.h"
#include "engine/util/text.h"

namespace pd::exec {
namespace {

nlohmann::json as_service(const nlohmann::json& value) {
  return value.is_object() ? value : nlohmann::json{{"value", value}};
}

// Key by key within each service: a later source's key replaces the earlier one's.
void merge_secrets(nlohmann::json& base, const nlohmann::json& overlay) {
  for (const auto& [service, values] : overlay.items()) {
    nlohmann::json& target = base[service];
    if (!target.is_object()) target = nlohmann::json::object();
    nlohmann::json service_values = as_service(values);
    for (const auto& [key, value] : service_values.items()) target[key] = value;
  }
}

Result<nlohmann::json> load_secrets_file(const FileSystem& fs, const std::filesystem::path& file) {
  Result<std::string> text = fs.read_file(file);
  if (!text.is_ok()) return text.status();
  Result<nlohmann::json> data = parse_data_text(text.value(), file.string());
  if (!data.is_ok()) return data.status();
  if (data.value().is_null()) return nlohmann::json::object();
  if (!data.value().is_object()) {
    return invalid_argument(file.string() +
                            ": expected a map of services (e.g. `github: {token: …}`)");
  }
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [service, values] : data.value().items()) out[service] = as_service(values);
  return out;
}

bool exists(const FileSystem& fs, const std::filesystem::path& path) {
  return fs.stat(path, true).is_ok();
}

}  // namespace

Result<nlohmann::json> load_secrets_folder(const FileSystem& fs, const std::filesystem::path& dir) {
  Result<std::vector<std::string>> files = folder_files(fs, dir);
  if (!files.is_ok()) return files.status();
  nlohmann::json out = nlohmann::json::object();
  for (const std::string& name : files.value()) {
    Result<std::string> text = fs.read_file(dir / name);
    if (!text.is_ok()) return text.status();
    nlohmann::json parsed = nlohmann::json::parse(text.value(), nullptr, false);
    out[name] = parsed.is_object() ? parsed : nlohmann::json{{"value", trim(text.value())}};
  }
  return out;
}

Result<nlohmann::json> load_secrets(const SecretSources& sources, const FileSystem& fs) {
  auto load_any = [&](const std::filesystem::path& path) -> Result<nlohmann::json> {
    Result<FileInfo> info = fs.stat(path, true);
    if (!info.is_ok()) return info.status();
    return info.value().is_directory ? load_secrets_folder(fs, path) : load_secrets_file(fs, path);
  };
  if (sources.explicit_path) {
    Result<nlohmann::json> only = load_any(*sources.explicit_path);
    if (!only.is_ok()) {
      return Status(only.status().code(), "--secrets " + sources.explicit_path->string() + ": " +
                                              only.status().message());
    }
    return only;
  }
  nlohmann::json merged = nlohmann::json::object();
  for (const std::filesystem::path& path :
       {sources.workflow_dir / ".secrets", sources.workflow_dir / ".secrets.yaml",
        sources.mounted_dir}) {
    if (path.empty() || !exists(fs, path)) continue;
    Result<nlohmann::json> layer = load_any(path);
    if (!layer.is_ok()) return layer.status();
    merge_secrets(merged, layer.value());
  }
  return merged;
}

SecretRedactor::SecretRedactor(const nlohmann::json& secrets) {
  std::vector<const nlohmann::json*> stack{&secrets};
  while (!stack.empty()) {
    const nlohmann::json* value = stack.back();
    stack.pop_back();
    if (value->is_string() && value->get_ref<const std::string&>().size() >= 4) {
      values_.push_back(value->get<std::string>());
    } else if (value->is_structured()) {
      for (const auto& item : *value) stack.push_back(&item);
    }
  }
  std::sort(values_.begin(), values_.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  values_.erase(std::unique(values_.begin(), values_.end()), values_.end());
  // As JSON text (what JSON.stringify writes) shows each value: `"`, `\\` and control
  // characters escaped.
  for (const std::string& value : values_) {
    std::string quoted;
    append_json_string(quoted, value);
    values_as_json_.push_back(quoted.substr(1, quoted.size() - 2));
  }
}

std::string SecretRedactor::redact(std::string text) const {
  for (const std::string& secret : values_) {
    for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
      text.replace(at, secret.size(), "[REDACTED]");
      at += 10;
    }
  }
  return text;
}

bool SecretRedactor::may_occur_in_json(std::string_view json) const {
  return std::any_of(
      values_as_json_.begin(), values_as_json_.end(),
      [&](const std::string& secret) { return json.find(secret) != std::string_view::npos; });
}

nlohmann::json SecretRedactor::redact(const nlohmann::json& value) const {
  if (values_.empty()) return value;
  if (value.is_string()) return redact(value.get<std::string>());
  if (value.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, item] : value.items()) {
      // Keys that redact alike (two tokens as keys) are told apart, not merged into one.
      std::string name = redact(key);
      if (out.contains(name)) {
        int n = 2;
        while (out.contains(name + " (" + std::to_string(n) + ")")) ++n;
        name += " (" + std::to_string(n) + ")";
      }
      out[name] = redact(item);
    }
    return out;
  }
  if (value.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : value) out.push_back(redact(item));
    return out;
  }
  return value;
}

}  // namespace pd::exec
