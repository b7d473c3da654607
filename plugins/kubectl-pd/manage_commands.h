// Commands that manage a deployed workflow beyond deploy and rollback:
// `undeploy NAME [--yes] [--keep-versions]`, `logs NAME [-f] [--tail N]`,
// `run NAME [--input JSON]` (through the API server's service proxy) and
// `config NAME get|set|unset KEY[=VALUE]` (edits {name}-config; the engine picks it up live).
#pragma once

#include <string>
#include <string_view>
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
  bool follow_ = false;
};

class RunCommand : public Command {
 public:
  CLI::App* add_to(CLI::App& parent) override;
  int run(const GlobalOptions& globals, Io& io) override;

 private:
  std::string name_;
  std::string input_ = "{}";
  std::string timeout_ = "60s";
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
