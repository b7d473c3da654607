#include "engine/js/embedded_scripts.h"

// Defined by embedded_scripts.S, which .incbin's the bundle built from engine/js/tooling.
extern "C" const char pd_sucrase_bundle[];
extern "C" const char pd_sucrase_bundle_end[];

namespace pd::js {

std::string_view sucrase_bundle() {
  return std::string_view(pd_sucrase_bundle,
                          static_cast<size_t>(pd_sucrase_bundle_end - pd_sucrase_bundle));
}

}  // namespace pd::js
