// Scripts compiled into the binary at build time (see CMakeLists.txt): the sucrase bundle that
// strips TypeScript types inside V8, and the runtime's own prelude.
#pragma once

#include <string_view>

namespace pd::js {

// The esbuild bundle of engine/js/tooling/sucrase_entry.js; defines `PdTypeScript.strip`.
std::string_view sucrase_bundle();

// engine/js/prelude.js: a function expression taking the host natives, defining Web APIs.
std::string_view prelude_script();

}  // namespace pd::js
