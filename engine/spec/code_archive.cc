#include "engine/spec/code_archive.h"

#include <nlohmann/json.hpp>

#include "engine/util/base64.h"
#include "engine/util/file_io.h"
#include "engine/util/gzip.h"
#include "engine/util/text.h"

namespace pd::spec {
namespace {

bool escapes_folder(const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_absolute() || path.empty()) return true;
  for (const auto& part : p) {
    if (part == "..") return true;
  }
  return false;
}

}  // namespace

std::string pack_code_archive(const CodeFiles& files) {
  // {"files": {"nodes/a.ts": {"text": …} | {"base64": …}}}: text stays readable after gunzip.
  nlohmann::json doc = {{"format", "pipedreamer-code/v1"}, {"files", nlohmann::json::object()}};
  for (const auto& [path, content] : files) {
    doc["files"][path] = is_valid_utf8(content) ? nlohmann::json{{"text", content}}
                                          : nlohmann::json{{"base64", base64_encode(content)}};
  }
  return gzip_compress(doc.dump());
}

Result<CodeFiles> unpack_code_archive(std::string_view archive) {
  Result<std::string> text = gzip_decompress(archive);
  if (!text.is_ok()) return Status(text.status().code(), std::string(kCodeArchiveName) + ": " + text.status().message());
  nlohmann::json doc = nlohmann::json::parse(text.value(), nullptr, false);
  if (!doc.is_object() || doc.value("format", "") != "pipedreamer-code/v1" ||
      !doc.contains("files") || !doc["files"].is_object()) {
    return invalid_argument(std::string(kCodeArchiveName) +
                            ": not a Pipedreamer code archive (expected format pipedreamer-code/v1)");
  }
  CodeFiles files;
  const nlohmann::json& entries = doc["files"];
  for (auto it = entries.begin(); it != entries.end(); ++it) {
    const std::string& path = it.key();
    if (escapes_folder(path)) {
      return invalid_argument(std::string(kCodeArchiveName) + ": file \"" + path +
                              "\" is absolute or leaves the workflow folder");
    }
    const nlohmann::json& entry = it.value();
    if (entry.is_object() && entry.contains("text") && entry["text"].is_string()) {
      files[path] = entry["text"].get<std::string>();
    } else if (entry.is_object() && entry.contains("base64") && entry["base64"].is_string()) {
      std::optional<std::string> bytes = base64_decode(entry["base64"].get<std::string>());
      if (!bytes) return invalid_argument(std::string(kCodeArchiveName) + ": file \"" + path + "\": invalid base64");
      files[path] = std::move(*bytes);
    } else {
      return invalid_argument(std::string(kCodeArchiveName) + ": file \"" + path +
                              "\": expected {\"text\": …} or {\"base64\": …}");
    }
  }
  return files;
}

Result<UnpackedWorkflowDir> UnpackedWorkflowDir::open(const std::filesystem::path& dir) {
  UnpackedWorkflowDir out;
  out.path_ = dir;
  std::error_code ec;
  if (std::filesystem::exists(dir / "workflow.yaml", ec) ||
      !std::filesystem::exists(dir / kCodeArchiveName, ec)) {
    return out;
  }
  Result<std::string> archive = read_text_file(dir / kCodeArchiveName);
  if (!archive.is_ok()) return archive.status();
  Result<CodeFiles> files = unpack_code_archive(archive.value());
  if (!files.is_ok()) {
    return Status(files.status().code(), (dir / "").string() + files.status().message());
  }
  try {
    out.unpacked_ = std::make_shared<TempDir>("pd-workflow");
  } catch (const std::exception& e) {
    return failed_precondition(std::string("cannot unpack ") + (dir / kCodeArchiveName).string() +
                               ": no writable temporary folder (" + e.what() + "); mount one at /tmp");
  }
  for (const auto& [path, content] : files.value()) {
    std::filesystem::path target = out.unpacked_->path() / path;
    std::filesystem::create_directories(target.parent_path(), ec);
    if (Status written = write_file_atomically(target, content); !written.is_ok()) return written;
  }
  out.path_ = out.unpacked_->path();
  return out;
}

}  // namespace pd::spec
