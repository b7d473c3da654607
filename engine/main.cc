// pd-engine: the in-cluster runtime and local runner. Wiring only; see engine/cli.
#include <iostream>
#include <string>
#include <vector>

#include "engine/cli/engine_cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return pd::engine::run_engine_cli(args, std::cout, std::cerr);
}
