// Natives behind the Web APIs in prelude/ (base64, UTF-8, clocks, structuredClone, randomness,
// Web Crypto hashes and HMAC, console output, timers, fetch). V8 glue only: state and policy live
// in the IsolateHost. The table is exported through natives.h.
#pragma once

#include "engine/js/natives.h"
