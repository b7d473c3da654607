#include "engine/exec/runtime_config.h"

#include "engine/exec/data_files.h"
#include "engine/util/text.h"

namespace pd::exec {
namespace {

bool is_data_file(const std::string& name) {
  for (const char* ext : {".yaml", ".yml", ".json"}) {
    if (name.ends_with(ext)) return true;
  }
  return false;
}

}  // namespace

RuntimeConfig::RuntimeConfig(nlohmann::json workflow_config, std::filesystem::path config_dir,
                             const FileSystem& fs, const Clock& clock,
                             std::chrono::milliseconds recheck_every)
    : base_(std::move(workflow_config)),
      dir_(std::move(config_dir)),
      fs_(fs),
      clock_(clock),
      recheck_every_(recheck_every) {}

std::string RuntimeConfig::signature() const {
  if (dir_.empty()) return "";
  Result<std::vector<DirEntry>> entries = fs_.read_dir(dir_);
  if (!entries.is_ok()) return "absent";
  std::string out;
  for (const DirEntry& entry : entries.value()) {
    Result<FileInfo> info = fs_.stat(dir_ / entry.name, true);
    out += entry.name + ":" +
           (info.is_ok() ? std::to_string(info.value().size) + ":" +
                               std::to_string(info.value().mtime_ms)
                         : "?") +
           ";";
  }
  return out;
}

Result<nlohmann::json> RuntimeConfig::load() const {
  nlohmann::json config = base_.is_object() ? base_ : nlohmann::json::object();
  if (dir_.empty() || !fs_.stat(dir_, true).is_ok()) return config;
  Result<std::vector<std::string>> files = folder_files(fs_, dir_);
  if (!files.is_ok()) return files.status();
  std::vector<std::pair<std::string, std::string>> plain;
  for (const std::string& name : files.value()) {
    std::filesystem::path path = dir_ / name;
    Result<std::string> text = fs_.read_file(path);
    if (!text.is_ok()) return text.status();
    if (!is_data_file(name)) {
      plain.emplace_back(name, text.value());
      continue;
    }
    Result<nlohmann::json> data = parse_data_text(text.value(), path.string());
    if (!data.is_ok()) return data.status();
    if (data.value().is_null()) continue;
    if (!data.value().is_object()) {
      return invalid_argument(path.string() + ": a config override file must hold a map of keys");
    }
    deep_merge(config, data.value());
  }
  for (const auto& [key, text] : plain) {
    Result<nlohmann::json> value = parse_data_text(trim(text), (dir_ / key).string());
    config[key] = value.is_ok() && !value.value().is_structured() && !value.value().is_null()
                      ? value.value()
                      : nlohmann::json(trim(text));
  }
  return config;
}

Result<nlohmann::json> RuntimeConfig::current() { return *snapshot(); }

std::shared_ptr<const Result<nlohmann::json>> RuntimeConfig::snapshot() {
  std::lock_guard<std::mutex> lock(mutex_);
  auto now = clock_.now();
  if (loaded_ && now - checked_at_ < recheck_every_) return current_;
  checked_at_ = now;
  std::string signature_now = signature();
  if (!loaded_ || signature_now != signature_) {
    current_ = std::make_shared<const Result<nlohmann::json>>(load());
    signature_ = signature_now;
    loaded_ = true;
  }
  return current_;
}

}  // namespace pd::exec
