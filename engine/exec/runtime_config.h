// The config nodes see (ctx.config): workflow.yaml's `config`, overridden by a mounted config
// folder (default /app/config, from a ConfigMap) without rebuilding anything. Precedence, lowest
// first: workflow.yaml; every `*.yaml`/`*.yml`/`*.json` file in the folder, deep-merged in name
// order; then every other file as one key (its name) whose value is the trimmed text read as a
// YAML scalar (`3` → 3, `true` → true, `60s` → "60s"). When the mounted files change (Kubernetes
// swaps the `..data` link), executions that start afterwards get the new config.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/util/clock.h"
#include "engine/util/file_system.h"
#include "engine/util/status.h"

namespace pd::exec {

class RuntimeConfig {
 public:
  // `recheck_every`: how often current() looks at the folder again (0: every call).
  RuntimeConfig(nlohmann::json workflow_config, std::filesystem::path config_dir,
                const FileSystem& fs, const Clock& clock,
                std::chrono::milliseconds recheck_every = std::chrono::seconds(1));

  // The effective config. Errors name the override file that cannot be read.
  Result<nlohmann::json> current();
  // The same without a copy: the pointer stays the same until the config changes, so a caller
  // can keep what it worked out from one config until then.
  std::shared_ptr<const Result<nlohmann::json>> snapshot();

 private:
  std::string signature() const;
  Result<nlohmann::json> load() const;

  nlohmann::json base_;
  std::filesystem::path dir_;
  const FileSystem& fs_;
  const Clock& clock_;
  std::chrono::milliseconds recheck_every_;
  std::mutex mutex_;
  std::chrono::system_clock::time_point checked_at_{};
  bool loaded_ = false;
  std::string signature_;
  std::shared_ptr<const Result<nlohmann::json>> current_;
};

}  // namespace pd::exec
