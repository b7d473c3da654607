// The secrets a workflow's nodes see (ctx.secrets), from the cascade: an explicit path alone, or
// `.secrets/` (one file per service), then `.secrets.yaml`, then the mounted Secret folder
// (default /app/secrets), each merged into the previous one key by key within each service.
// Secret values never reach logs, errors or results: SecretRedactor blanks them out.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/file_system.h"
#include "engine/util/status.h"

namespace pd::exec {

struct SecretSources {
  std::filesystem::path workflow_dir;
  std::optional<std::filesystem::path> explicit_path;  // --secrets: a file or a folder, used alone
  std::filesystem::path mounted_dir = "/app/secrets";  // merged last; may not exist
};

// service → {key → value}. Errors name the file (and line for YAML syntax).
Result<nlohmann::json> load_secrets(const SecretSources& sources, const FileSystem& fs);

// A folder of secrets: each visible file (or symlink to one) is a service; a JSON object file
// becomes that object, anything else {value: "<trimmed text>"}.
Result<nlohmann::json> load_secrets_folder(const FileSystem& fs, const std::filesystem::path& dir);

// Replaces every secret string value (4 characters or more) with [REDACTED].
class SecretRedactor {
 public:
  SecretRedactor() = default;
  explicit SecretRedactor(const nlohmann::json& secrets);
  std::string redact(std::string text) const;
  // Every string in `value`, object keys included.
  nlohmann::json redact(const nlohmann::json& value) const;
  bool empty() const { return values_.empty(); }
  // Whether the JSON text `json` (as JSON.stringify writes it) shows a secret, so that
  // redacting its value would change something.
  bool may_occur_in_json(std::string_view json) const;

 private:
  std::vector<std::string> values_;  // longest first, so a value containing another goes first
  std::vector<std::string> values_as_json_;  // each as JSON text writes it inside quotes
};

}  // namespace pd::exec
