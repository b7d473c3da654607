// `kubectl pd validate [DIR...]`: checks workflow folders and prints a one-line summary per
// workflow, or every diagnostic; `-o json|yaml` prints the compiled plans. Exit 1 on any error.
#pragma once

#include <string>
#include <vector>

#include "plugins/kubectl-pd/command.h"

namespace pd::kubectl_pd {

class ValidateCommand : public Command {
 public:
  CLI::App* add_to(CLI::App& parent) override;
  int run(const GlobalOptions& globals, Io& io) override;

 private:
  std::vector<std::string> paths_;
};

}  // namespace pd::kubectl_pd
