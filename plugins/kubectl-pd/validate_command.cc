#include "plugins/kubectl-pd/validate_command.h"

#include "engine/spec/plan_json.h"
#include "engine/util/yaml_adapter.h"
#include "plugins/kubectl-pd/workflow_summary.h"

namespace pd::kubectl_pd {

CLI::App* ValidateCommand::add_to(CLI::App& parent) {
  CLI::App* sub = parent.add_subcommand(
      "validate", "Check workflow folders: workflow.yaml fields, node files and the DAG.");
  sub->footer(
      "Each DIR is a workflow folder (with a workflow.yaml) or a folder above several.\n"
      "Prints one line per valid workflow, or every problem as file:line:col.\n\n"
      "Examples:\n"
      "  kubectl pd validate                      # the workflow in the current folder\n"
      "  kubectl pd validate example-workflows/   # every workflow below a folder\n"
      "  kubectl pd validate my-flow -o json      # the compiled plan");
  sub->add_option("DIR", paths_, "Workflow folders (default: the current folder)");
  return sub;
}

int ValidateCommand::run(const GlobalOptions& globals, Io& io) {
  if (!check_output_format(io, "validate", globals.output, {"json", "yaml", "name"})) return 1;
  std::vector<std::string> paths = paths_.empty() ? std::vector<std::string>{"."} : paths_;
  LoadedSet set = load_workflows(paths, io);

  nlohmann::ordered_json plans = nlohmann::ordered_json::array();
  for (const spec::LoadedWorkflow& loaded : set.workflows) {
    if (!loaded.plan) continue;
    if (globals.output.empty()) {
      io.out << summary_line(loaded.workflow, *loaded.plan) << "\n";
    } else if (globals.output == "name") {
      io.out << "workflow/" << loaded.workflow.name << "\n";
    } else {
      plans.push_back(spec::plan_to_json(loaded.workflow, *loaded.plan));
    }
  }
  if (globals.output == "json" || globals.output == "yaml") {
    // One workflow prints its plan; several print a kubectl-style List.
    nlohmann::ordered_json document =
        plans.size() == 1 ? plans[0] : nlohmann::ordered_json{{"kind", "List"}, {"items", plans}};
    if (!plans.empty()) {
      io.out << (globals.output == "json" ? document.dump(2) + "\n" : json_to_yaml(document));
    }
  }
  return set.ok ? 0 : 1;
}

}  // namespace pd::kubectl_pd
