#include "plugins/kubectl-pd/version_command.h"

#include <nlohmann/json.hpp>

#include "engine/util/yaml_adapter.h"

namespace pd::kubectl_pd {

CLI::App* VersionCommand::add_to(CLI::App& parent) {
  return parent.add_subcommand("version", "Print the kubectl-pd version.");
}

int VersionCommand::run(const GlobalOptions& globals, Io& io) {
  if (!check_output_format(io, "version", globals.output, {"json", "yaml"})) return 1;
  nlohmann::ordered_json info = {
      {"clientVersion", {{"version", "v" PD_VERSION}, {"gitCommit", PD_GIT_COMMIT}}}};
  if (globals.output == "json") {
    io.out << info.dump(2) << "\n";
  } else if (globals.output == "yaml") {
    io.out << json_to_yaml(info);
  } else {
    io.out << "kubectl-pd v" PD_VERSION " (commit " PD_GIT_COMMIT ")\n";
  }
  return 0;
}

}  // namespace pd::kubectl_pd
