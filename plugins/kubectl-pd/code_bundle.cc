#include "plugins/kubectl-pd/code_bundle.h"

#include <algorithm>

#include "engine/spec/code_archive.h"
#include "engine/util/base64.h"
#include "engine/util/crypto_hash.h"
#include "engine/util/file_io.h"

namespace pd::kubectl_pd {
namespace {

bool skipped(const std::filesystem::path& relative) {
  const std::string first = relative.begin()->string();
  if (first.starts_with(".")) return true;  // .secrets/, .secrets.yaml, .git, …
  return first == "tests" || first == "config" || first == "node_modules";
}

}  // namespace

std::string flatten_key(const std::string& relative_path) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : relative_path) {
    if (c == '/') {
      out += "__";
    } else if (std::isalnum(c) || c == '-' || c == '.') {
      out += static_cast<char>(c);
    } else {
      out += '_';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::optional<std::string> unflatten_key(const std::string& key) {
  std::string out;
  for (size_t i = 0; i < key.size(); ++i) {
    if (key[i] != '_') {
      out += key[i];
      continue;
    }
    if (i + 1 < key.size() && key[i + 1] == '_') {
      out += '/';
      ++i;
    } else if (i + 2 < key.size() && std::isxdigit(static_cast<unsigned char>(key[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(key[i + 2]))) {
      out += static_cast<char>(std::stoi(key.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

Result<CodeBundle> collect_code_bundle(const std::filesystem::path& workflow_dir) {
  CodeBundle bundle;
  std::error_code ec;
  std::filesystem::recursive_directory_iterator it(workflow_dir, ec), end;
  if (ec) return not_found(workflow_dir.string() + ": " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) return internal_error(workflow_dir.string() + ": " + ec.message());
    std::filesystem::path relative = it->path().lexically_relative(workflow_dir);
    if (skipped(relative)) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file()) continue;
    Result<std::string> content = read_text_file(it->path());
    if (!content.is_ok()) return content.status();
    bundle.total_bytes += content.value().size();
    bundle.files[relative.generic_string()] = std::move(content).value();
  }
  std::string hashed;
  for (const auto& [path, content] : bundle.files) {
    hashed += path + '\0' + std::to_string(content.size()) + '\0' + content;
  }
  bundle.content_hash = sha256_hex(hashed);
  return bundle;
}

Status fit_into_configmap(CodeBundle& bundle) {
  bundle.archive.clear();
  if (bundle.total_bytes <= kCompressAboveBytes) return Status();
  bundle.archive = spec::pack_code_archive(bundle.files);
  if (bundle.archive.size() <= kConfigMapDataLimit) return Status();
  std::vector<std::pair<size_t, std::string>> sizes;
  for (const auto& [file, content] : bundle.files) sizes.push_back({content.size(), file});
  std::sort(sizes.rbegin(), sizes.rend());
  std::string listing;
  for (const auto& [size, file] : sizes) listing += "\n  " + std::to_string(size) + "  " + file;
  return invalid_argument("the code is " + std::to_string(bundle.total_bytes) + " bytes (" +
                          std::to_string(bundle.archive.size()) +
                          " gzip-compressed); a ConfigMap holds at most about " +
                          std::to_string(kConfigMapDataLimit) +
                          ". Move large data out of the workflow folder (fetch it at run time) "
                          "or into tests/. Files, largest first:" + listing);
}

Result<std::map<std::string, std::string>> code_files_of(const nlohmann::json& configmap) {
  std::map<std::string, std::string> files;
  for (const char* field : {"data", "binaryData"}) {
    if (!configmap.contains(field) || !configmap[field].is_object()) continue;
    const nlohmann::json& entries = configmap[field];
    for (auto it = entries.begin(); it != entries.end(); ++it) {
      if (!it.value().is_string()) continue;
      std::string content = it.value().get<std::string>();
      if (std::string(field) == "binaryData") {
        std::optional<std::string> bytes = base64_decode(content);
        if (!bytes) return invalid_argument("binaryData key \"" + it.key() + "\" is not base64");
        content = std::move(*bytes);
      }
      if (it.key() == spec::kCodeArchiveName) {
        Result<spec::CodeFiles> unpacked = spec::unpack_code_archive(content);
        if (!unpacked.is_ok()) return unpacked.status();
        files.insert(unpacked.value().begin(), unpacked.value().end());
        continue;
      }
      if (std::optional<std::string> path = unflatten_key(it.key())) files[*path] = std::move(content);
    }
  }
  return files;
}

}  // namespace pd::kubectl_pd
