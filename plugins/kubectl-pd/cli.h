// The `kubectl pd` command line: parses arguments with CLI11, dispatches to the subcommand, and
// maps every parse problem to kubectl's error style and exit code 1 (CLI11's own 100–127 exit
// codes never leak).
#pragma once

#include <string>
#include <vector>

#include "plugins/kubectl-pd/command.h"

namespace pd::kubectl_pd {

// Runs `kubectl pd <args…>` (args exclude the program name); returns the exit code.
int run_cli(const std::vector<std::string>& args, Io& io);

}  // namespace pd::kubectl_pd
