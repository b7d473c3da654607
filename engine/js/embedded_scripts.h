// Scripts compiled into the binary at build time (see CMakeLists.txt): the sucrase bundle that
// strips TypeScript types inside V8.
#pragma once

#include <string_view>

namespace pd::js {

// The esbuild bundle of engine/js/tooling/sucrase_entry.js; defines `PdTypeScript.strip`.
std::string_view sucrase_bundle();

}  // namespace pd::js
