#include "plugins/kubectl-pd/cli.h"

#include <algorithm>
#include <memory>

#include "engine/util/suggest.h"
#include "plugins/kubectl-pd/cluster_commands.h"
#include "plugins/kubectl-pd/deploy_command.h"
#include "plugins/kubectl-pd/manage_commands.h"
#include "plugins/kubectl-pd/test_command.h"
#include "plugins/kubectl-pd/validate_command.h"
#include "plugins/kubectl-pd/version_command.h"
#include "plugins/kubectl-pd/visualize_command.h"

namespace pd::kubectl_pd {
namespace {

constexpr const char* kDescription =
    "Pipedreamer: validate, visualize and ship workflows of TypeScript nodes to Kubernetes.";

void add_global_flags(CLI::App& app, GlobalOptions& globals) {
  app.add_option("--kubeconfig", globals.kubeconfig,
                 "Path to the kubeconfig file to use for CLI requests.");
  app.add_option("--context", globals.context, "The name of the kubeconfig context to use");
  app.add_option("--cluster", globals.cluster, "The name of the kubeconfig cluster to use");
  app.add_option("--user", globals.user, "The name of the kubeconfig user to use");
  app.add_option("-n,--namespace", globals.namespace_name,
                 "If present, the namespace scope for this CLI request");
  app.add_flag("-A,--all-namespaces", globals.all_namespaces,
               "If present, list the requested object(s) across all namespaces.");
  app.add_option("-o,--output", globals.output,
                 "Output format. One of: (json, yaml, name, wide); each command lists what it "
                 "supports.");
  app.add_option("--request-timeout", globals.request_timeout,
                 "The length of time to wait before giving up on a single server request.");
  app.add_option("-v,--v", globals.verbosity,
                 "Log level; 6 and above logs every API request (as kubectl does).");
}

// The first argument that is not a flag or a global flag's value: the command the user typed.
std::string first_command_word(const std::vector<std::string>& args) {
  static const std::vector<std::string> kValueFlags = {
      "--kubeconfig", "--context", "--cluster", "--user", "-v", "--v", "-n",
      "--namespace",  "-o",        "--output",  "--request-timeout"};
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") return i + 1 < args.size() ? args[i + 1] : "";
    if (std::find(kValueFlags.begin(), kValueFlags.end(), arg) != kValueFlags.end()) {
      ++i;
      continue;
    }
    if (!arg.starts_with("-")) return arg;
  }
  return "";
}

}  // namespace

int run_cli(const std::vector<std::string>& args, Io& io) {
  GlobalOptions globals;
  CLI::App app(kDescription, "kubectl pd");
  app.set_help_all_flag("", "");
  app.fallthrough();
  app.require_subcommand(1);
  add_global_flags(app, globals);

  std::vector<std::unique_ptr<Command>> commands;
  commands.push_back(std::make_unique<DeployCommand>());
  commands.push_back(std::make_unique<VersionsCommand>());
  commands.push_back(std::make_unique<RollbackCommand>());
  commands.push_back(std::make_unique<StatusCommand>());
  commands.push_back(std::make_unique<ListCommand>());
  commands.push_back(std::make_unique<UndeployCommand>());
  commands.push_back(std::make_unique<LogsCommand>());
  commands.push_back(std::make_unique<RunCommand>());
  commands.push_back(std::make_unique<ConfigCommand>());
  commands.push_back(std::make_unique<ValidateCommand>());
  commands.push_back(std::make_unique<VisualizeCommand>());
  commands.push_back(std::make_unique<VersionCommand>());
  std::vector<std::pair<CLI::App*, Command*>> registered;
  std::vector<std::string> names;
  for (auto& command : commands) {
    CLI::App* sub = command->add_to(app);
    registered.push_back({sub, command.get()});
    names.push_back(sub->get_name());
  }

  std::string word = first_command_word(args);
  if (word == "test") {
    // Everything after `test` belongs to pd-harness.
    auto at = std::find(args.begin(), args.end(), "test");
    return exec_harness(std::vector<std::string>(at + 1, args.end()), io.err);
  }
  bool wants_help = std::find_if(args.begin(), args.end(), [](const std::string& a) {
                      return a == "-h" || a == "--help";
                    }) != args.end();
  if (!word.empty() && std::find(names.begin(), names.end(), word) == names.end()) {
    io.err << "error: unknown command \"" << word << "\" for \"kubectl pd\"\n";
    if (auto suggestion = closest_match(word, names)) {
      io.err << "\nDid you mean this?\n\t" << *suggestion << "\n";
    }
    io.err << "\nRun 'kubectl pd --help' for usage.\n";
    return 1;
  }
  if (word.empty() && !wants_help) {
    io.out << app.help();
    return 0;
  }

  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    CLI::App* target = &app;
    for (auto& [sub, command] : registered) {
      if (sub->parsed()) target = sub;
    }
    io.out << (target == &app ? app.help() : target->help("kubectl pd"));
    return 0;
  } catch (const CLI::ParseError& e) {
    std::string message = e.what();
    if (!message.empty()) message[0] = static_cast<char>(std::tolower(message[0]));
    return usage_error(io, word, message);
  }
  for (auto& [sub, command] : registered) {
    if (sub->parsed()) return command->run(globals, io);
  }
  return usage_error(io, "", "a command is required");
}

}  // namespace pd::kubectl_pd
