// kubectl-pd: the kubectl plugin (`kubectl pd …`). Wiring only; see cli.h.
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "plugins/kubectl-pd/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  pd::kubectl_pd::Io io{std::cout, std::cerr, isatty(STDERR_FILENO) == 1};
  return pd::kubectl_pd::run_cli(args, io);
}
