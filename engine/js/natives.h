// The table of C++ functions the prelude receives as `host`. One table feeds both the object
// built into the startup snapshot and the external-reference list V8 needs to restore it, so the
// two can never disagree.
#pragma once

#include <v8.h>

#include <cstdint>
#include <vector>

namespace pd::js {

struct NativeFunction {
  const char* name;
  v8::FunctionCallback callback;
};

std::vector<NativeFunction> web_natives();   // web_apis.cc
std::vector<NativeFunction> deno_natives();  // deno_apis.cc

// Every native, in a fixed order.
const std::vector<NativeFunction>& all_natives();
// Their addresses, null-terminated, for Isolate::CreateParams and SnapshotCreator.
const intptr_t* external_references();
// The `host` object: one function per native.
v8::Local<v8::Object> make_host_object(v8::Isolate* isolate, v8::Local<v8::Context> context);

}  // namespace pd::js
