// One V8 isolate that loads workflow node modules (TypeScript stripped by sucrase inside V8,
// keeping line numbers) and calls their default export. Each call_node() runs in a fresh context,
// so no module state leaks between calls (the harness's mode). Relative and absolute imports are
// confined to the workflow folder; `pipedreamer` is a built-in module. A per-call timeout stops
// even a busy loop and leaves the runtime usable; a heap limit fails the call, not the process.
//
// Not thread-safe: one thread drives a Runtime. Only this module includes <v8.h>.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/js/v8_platform.h"
#include "engine/util/file_system.h"
#include "engine/util/status.h"

namespace pd::js {

struct RuntimeOptions {
  std::filesystem::path workflow_dir;
  size_t heap_limit_mb = 128;
  // Besides the workflow folder, what nodes may read (e.g. /app, /var/run/secrets).
  std::vector<std::filesystem::path> read_paths;
  // What Deno.env shows (not the process environment, unless the caller passes it).
  std::map<std::string, std::string> env;
  // Where file reads go; nullptr means the real filesystem.
  const FileSystem* file_system = nullptr;
};

// A line written with console.* during a call.
struct ConsoleLine {
  std::string level;  // log, info, warn, error, debug
  std::string text;
};

struct NodeCall {
  nlohmann::json output;
  std::vector<ConsoleLine> console;
};

class Runtime {
 public:
  Runtime(V8Platform& platform, RuntimeOptions options);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // Loads `node_path` (relative to the workflow folder) in a fresh context and awaits
  // `default(ctx, input)`. Errors: InvalidArgument for code problems (syntax, a default export
  // that is not a function, a thrown error — with file:line:col and the stack),
  // DeadlineExceeded when `timeout` passes, kUnavailable when the heap limit is hit.
  Result<NodeCall> call_node(const std::string& node_path, const nlohmann::json& ctx,
                             const nlohmann::json& input, std::chrono::milliseconds timeout);

  // TypeScript → JavaScript with the same line numbers (cached by content).
  Result<std::string> strip_types(const std::string& source, const std::string& file_name);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace pd::js
