// Runs a program and captures its output: exec credential plugins (kubeconfig `exec:`), `git`
// for deploy annotations. No shell: the arguments are passed as they are.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/util/status.h"

namespace pd {

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// `argv[0]` is looked up on PATH (from `env` when given, else the process's). `env` replaces the
// environment when set. NotFound when the program cannot be started.
Result<ProcessResult> run_process(const std::vector<std::string>& argv,
                                  const std::optional<std::map<std::string, std::string>>& env = {},
                                  const std::string& working_dir = "");

}  // namespace pd
