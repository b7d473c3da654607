// Scripts compiled into the binary at build time (see CMakeLists.txt): the sucrase bundle that
// strips TypeScript types inside V8, and the runtime's own prelude.
#pragma once

#include <string_view>

namespace pd::js {

// The esbuild bundle of tooling/sucrase_entry.js; defines `PdTypeScript.strip`.
std::string_view sucrase_bundle();

// The esbuild bundle of prelude/ (and whatwg-url); defines `__pdPrelude.install(host)`.
std::string_view prelude_script();

}  // namespace pd::js
