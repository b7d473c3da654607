#include "engine/js/startup_snapshot.h"

// Defined by embedded_snapshot.S, which .incbin's the blob pd-js-snapshot wrote at build time.
extern "C" const char pd_startup_snapshot[];
extern "C" const char pd_startup_snapshot_end[];

namespace pd::js {

v8::StartupData embedded_startup_snapshot() {
  return {pd_startup_snapshot, static_cast<int>(pd_startup_snapshot_end - pd_startup_snapshot)};
}

}  // namespace pd::js
