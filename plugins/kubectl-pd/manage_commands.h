// Commands that manage a deployed workflow beyond deploy and rollback:
// `undeploy NAME [--yes] [--keep-versions]`, `logs NAME [--tail N]`, and
// `config NAME get|set|unset KEY[=VALUE]` (edits {name}-config; the engine picks it up live).
#pragma once

#include <string>
#include <vector>

#include "plugins/kubectl-pd/command.h"

namespace pd::kubectl_pd {

class UndeployCommand : public Command {
 public:
  CLI::App* add_to(CLI::App& parent) override;
  int run(const GlobalOptions& globals, Io& io) override;

 private:
  std::string name_;
  bool yes_ = false;
  bool keep_versions_ = false;
};

class LogsCommand : public Command {
 public:
  CLI::App* add_to(CLI::App& parent) override;
  int run(const GlobalOptions& globals, Io& io) override;

 private:
  std::string name_;
  int tail_ = -1;
};

class ConfigCommand : public Command {
 public:
  CLI::App* add_to(CLI::App& parent) override;
  int run(const GlobalOptions& globals, Io& io) override;

 private:
  std::string name_;
  std::string action_;
  std::string argument_;
};

}  // namespace pd::kubectl_pd
