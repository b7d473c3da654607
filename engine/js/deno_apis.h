// Natives behind the Deno compatibility subset (Deno.readTextFile, readFile, stat, lstat,
// readDir, env, cwd), with read permission checked against the granted roots: deny by default,
// a violation names the path and how to grant it. V8 glue only; the JS side is in prelude.js.
#pragma once

#include <v8.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "engine/util/file_system.h"

namespace pd::js {

struct DenoHost {
  const FileSystem* file_system = nullptr;
  std::vector<std::filesystem::path> read_roots;  // canonical
  std::map<std::string, std::string> env;
  std::filesystem::path cwd;
};

// Adds the natives to `host` (the object the prelude receives). `deno` must outlive the context.
void add_deno_natives(v8::Isolate* isolate, v8::Local<v8::Context> context,
                      v8::Local<v8::Object> host, const DenoHost* deno);

}  // namespace pd::js
