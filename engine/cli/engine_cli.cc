#include "engine/cli/engine_cli.h"

#include <CLI/CLI.hpp>

#include "engine/cli/run_command.h"

namespace pd::engine {

int run_engine_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  CLI::App app("pd-engine: runs Pipedreamer workflows (TypeScript nodes in V8)", "pd-engine");
  app.require_subcommand(1);
  RunOptions run;
  CLI::App* run_cmd = app.add_subcommand("run", "Execute a workflow once and print the result JSON");
  run_cmd->add_option("DIR", run.workflow_dir, "Workflow folder (default: current folder)");
  run_cmd->add_option("--input", run.input, "Trigger input: JSON text or @file");
  run_cmd->add_option("--secrets", run.secrets, "Secrets file or folder, used instead of the cascade");
  run_cmd->add_option("--config-dir", run.config_dir, "Config override folder (default /app/config)");
  run_cmd->add_option("--secrets-dir", run.mounted_secrets,
                      "Mounted Secret folder merged last (default /app/secrets)");
  run_cmd->add_option("--allow-net", run.allow_net,
                      "Hosts every node may reach besides its capabilities.net (repeat or comma-separate)")
      ->delimiter(',');
  run_cmd->add_option("--scratch-dir", run.scratch_dir, "Folder nodes may write to");
  run_cmd->add_option("--kubeconfig", run.kubeconfig, "Kubeconfig for ctx.k8s outside a pod");
  run_cmd->add_option("--context", run.context, "Kubeconfig context for ctx.k8s");

  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return 0;
  } catch (const CLI::ParseError& e) {
    // CLI11's own exit codes (100–127) are not ours: usage errors exit 2.
    err << "error: " << e.what() << "\nSee 'pd-engine --help'.\n";
    return 2;
  }
  if (run_cmd->parsed()) return run_workflow_once(run, out, err);
  return 2;
}

}  // namespace pd::engine
