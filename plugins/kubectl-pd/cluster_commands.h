// The commands that read or change what is deployed: `versions NAME [--diff [A [B]]]`,
// `rollback NAME [--version V]`, `status NAME` and `list [-A]`. Each is small; they share the
// code-version listing.
#pragma once

#include <string>
#include <vector>

#include "plugins/kubectl-pd/command.h"

namespace pd::kubectl_pd {

class VersionsCommand : public Command {
 public:
  CLI::App* add_to(CLI::App& parent) override;
  int run(const GlobalOptions& globals, Io& io) override;

 private:
  std::string name_;
  std::vector<std::string> diff_;
  CLI::Option* diff_option_ = nullptr;
};

class RollbackCommand : public Command {
 public:
  CLI::App* add_to(CLI::App& parent) override;
  int run(const GlobalOptions& globals, Io& io) override;

 private:
  std::string name_;
  std::string version_;
  std::string timeout_ = "5m";
  bool no_wait_ = false;
};

class StatusCommand : public Command {
 public:
  CLI::App* add_to(CLI::App& parent) override;
  int run(const GlobalOptions& globals, Io& io) override;

 private:
  std::string name_;
};

class ListCommand : public Command {
 public:
  CLI::App* add_to(CLI::App& parent) override;
  int run(const GlobalOptions& globals, Io& io) override;
};

}  // namespace pd::kubectl_pd
