#include "engine/js/v8_platform.h"

#include <libplatform/libplatform.h>
#include <v8.h>

namespace pd::js {

V8Platform::V8Platform() : platform_(v8::platform::NewDefaultPlatform()) {
  // JSON modules (`import x from "./x.json" assert { type: "json" }`). The snapshot tool and the
  // runtime both start here, so their flags match, as V8 requires of a snapshot.
  v8::V8::SetFlagsFromString("--harmony-import-assertions");
  v8::V8::InitializePlatform(platform_.get());
  v8::V8::Initialize();
}

V8Platform::~V8Platform() {
  v8::V8::Dispose();
  v8::V8::DisposePlatform();
}

}  // namespace pd::js
