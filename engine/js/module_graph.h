// The ES modules of one context: resolution (relative and absolute paths confined to the workflow
// folder, the import map, the `pipedreamer` built-in, vendored npm:/jsr:/https: only), loading
// through the FileSystem (TypeScript stripped, JSON as synthetic modules), V8 code cache, dynamic
// import() and import.meta. V8 glue; one graph per context, found through the context.
#pragma once

#include <v8.h>

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>

#include "engine/js/import_map.h"
#include "engine/js/transform_cache.h"
#include "engine/util/file_system.h"
#include "engine/util/status.h"

namespace pd::js {

struct ModuleSources {
  std::filesystem::path workflow_dir;  // canonical
  const FileSystem* file_system = nullptr;
  ImportMap import_map;
  TransformCache* cache = nullptr;
  // TypeScript → JavaScript (the runtime's transformer).
  std::function<Result<std::string>(const std::string& source, const std::string& file)> strip;
  // Specifier → module source (TypeScript) used instead of what it names (the harness's
  // `modules` mocks); looked up before the import map.
  std::map<std::string, std::string> overrides;
};

class ModuleGraph {
 public:
  ModuleGraph(v8::Isolate* isolate, ModuleSources sources);
  ~ModuleGraph();
  ModuleGraph(const ModuleGraph&) = delete;
  ModuleGraph& operator=(const ModuleGraph&) = delete;

  // Makes the graph findable from `context` (V8's callbacks only get the context).
  void attach(v8::Local<v8::Context> context);
  static ModuleGraph* of(v8::Local<v8::Context> context);
  // Registers the isolate-wide callbacks for import() and import.meta.
  static void install_callbacks(v8::Isolate* isolate);

  // Loads `absolute` and its static imports, links and evaluates them. Returns the evaluation
  // promise (pending while top-level await runs) and the module; throws into the isolate and
  // returns empty on failure.
  v8::MaybeLocal<v8::Promise> evaluate(v8::Local<v8::Context> context, const std::string& absolute,
                                       v8::Local<v8::Module>* module);
  // Saves V8 code caches for modules compiled without one (call after they ran, so the cache
  // holds the functions that were compiled).
  void save_code_caches();

  // For V8 callbacks.
  v8::MaybeLocal<v8::Module> resolve(v8::Local<v8::Context> context, const std::string& specifier,
                                     const std::string& referrer_path);
  std::string path_of(v8::Local<v8::Module> module) const;
  v8::Local<v8::Value> json_value_of(v8::Local<v8::Module> module) const;
  const std::filesystem::path& workflow_dir() const { return sources_.workflow_dir; }

 private:
  v8::MaybeLocal<v8::Module> load(v8::Local<v8::Context> context, const std::string& path);
  std::string display_name(const std::string& path) const;

  v8::Isolate* isolate_;
  ModuleSources sources_;
  std::map<std::string, v8::Global<v8::Module>> modules_;       // by absolute path
  std::unordered_multimap<int, std::string> paths_by_hash_;     // identity hash → path
  std::map<std::string, v8::Global<v8::Value>> json_values_;    // JSON modules by path
  std::map<std::string, std::string> pending_code_caches_;     // path → cache key
};

}  // namespace pd::js
