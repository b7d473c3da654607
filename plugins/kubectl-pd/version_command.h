// `kubectl pd version`: the plugin's version and git commit; `-o json|yaml` as kubectl does.
#pragma once

#include "plugins/kubectl-pd/command.h"

namespace pd::kubectl_pd {

class VersionCommand : public Command {
 public:
  CLI::App* add_to(CLI::App& parent) override;
  int run(const GlobalOptions& globals, Io& io) override;
};

}  // namespace pd::kubectl_pd
