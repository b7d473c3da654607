#include "engine/js/embedded_scripts.h"

// Defined by embedded_scripts.S, which .incbin's the bundle built from engine/js/tooling.
extern "C" const char pd_sucrase_bundle[];
extern "C" const char pd_sucrase_bundle_end[];
extern "C" const char pd_prelude[];
extern "C" const char pd_prelude_end[];

namespace pd::js {

std::string_view sucrase_bundle() {
  return std::string_view(pd_sucrase_bundle,
                          static_cast<size_t>(pd_sucrase_bundle_end - pd_sucrase_bundle));
}

std::string_view prelude_script() {
  return std::string_view(pd_prelude, static_cast<size_t>(pd_prelude_end - pd_prelude));
}

}  // namespace pd::js
