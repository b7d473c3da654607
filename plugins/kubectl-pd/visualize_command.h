// `kubectl pd visualize [DIR] [--format mermaid|dot]`: the workflow's DAG, grouped by stage.
#pragma once

#include <string>

#include "plugins/kubectl-pd/command.h"

namespace pd::kubectl_pd {

class VisualizeCommand : public Command {
 public:
  CLI::App* add_to(CLI::App& parent) override;
  int run(const GlobalOptions& globals, Io& io) override;

 private:
  std::string path_ = ".";
  std::string format_ = "mermaid";
};

}  // namespace pd::kubectl_pd
