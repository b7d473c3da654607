// Test helper for end-to-end tests: runs a shell command and captures its exit code and output.
#pragma once

#include <string>

namespace pd::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr interleaved
};

// Runs `command` with /bin/sh; stderr is merged into the captured output.
CommandResult run_command(const std::string& command);

// Quotes `text` for /bin/sh.
std::string shell_quote(const std::string& text);

}  // namespace pd::testing
