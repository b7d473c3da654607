// Web APIs of every fresh context: the embedded prelude (prelude.js) run with a `host` object of
// natives (base64, monotonic clock, structured clone, randomness). V8 glue only.
#pragma once

#include <v8.h>

#include "engine/js/deno_apis.h"

namespace pd::js {

// Runs the prelude in `context`; false (with an exception pending) if it failed. `deno` backs
// the Deno APIs and must outlive the context.
bool install_web_apis(v8::Isolate* isolate, v8::Local<v8::Context> context, const DenoHost* deno);

}  // namespace pd::js
