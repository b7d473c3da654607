// pd-js-snapshot OUT: writes the startup snapshot (see startup_snapshot.h). Run by the build.
#include <cstdio>
#include <fstream>

#include "engine/js/startup_snapshot.h"
#include "engine/js/v8_platform.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: pd-js-snapshot OUT\n");
    return 2;
  }
  pd::js::V8Platform platform;
  pd::Result<std::string> blob = pd::js::create_startup_snapshot();
  if (!blob.is_ok()) {
    std::fprintf(stderr, "pd-js-snapshot: %s\n", blob.status().message().c_str());
    return 1;
  }
  std::ofstream out(argv[1], std::ios::binary);
  out << blob.value();
  return out ? 0 : 1;
}
