// The startup snapshot: V8 heap state with the runtime's own JavaScript already run, so a fresh
// context with every Web and Deno API costs a deserialization instead of compiling the prelude.
// The default context holds the installed prelude (its hooks object as context data 0); context 0
// holds the warmed-up sucrase transformer. Made at build time by pd-js-snapshot and embedded.
#pragma once

#include <v8.h>

#include <string>

#include "engine/util/status.h"

namespace pd::js {

inline constexpr size_t kStripperContextIndex = 0;
inline constexpr size_t kPreludeHooksIndex = 0;

// Needs an initialized V8 (a V8Platform). InternalError with the JavaScript exception if the
// prelude or the transformer fails to run.
Result<std::string> create_startup_snapshot();

// The blob built into this binary.
v8::StartupData embedded_startup_snapshot();

}  // namespace pd::js
