#include "plugins/kubectl-pd/test_command.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ostream>

namespace pd::kubectl_pd {

int exec_harness(const std::vector<std::string>& args, std::ostream& err) {
  std::vector<std::string> argv{"pd-harness", "test"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> c_argv;
  for (std::string& arg : argv) c_argv.push_back(arg.data());
  c_argv.push_back(nullptr);
  err.flush();
  execvp("pd-harness", c_argv.data());
  err << "error: cannot run pd-harness: " << std::strerror(errno)
      << "\nPut pd-harness on PATH next to kubectl-pd (both are built into build/).\n";
  return 1;
}

}  // namespace pd::kubectl_pd
