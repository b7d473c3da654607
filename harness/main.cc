// pd-harness: runs workflow node fixtures (see harness/README.md). Wiring only; harness_cli.
#include <iostream>
#include <string>
#include <vector>

#include "harness/harness_cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  pd::js::V8Platform platform;
  return pd::harness::run_harness_cli(platform, args, std::cout, std::cerr);
}
