#include "plugins/kubectl-pd/visualize_command.h"

#include "engine/spec/plan_render.h"
#include "plugins/kubectl-pd/workflow_summary.h"

namespace pd::kubectl_pd {

CLI::App* VisualizeCommand::add_to(CLI::App& parent) {
  CLI::App* sub = parent.add_subcommand(
      "visualize", "Print a workflow's DAG as a Mermaid or Graphviz diagram, one box per stage.");
  sub->footer(
      "Examples:\n"
      "  kubectl pd visualize my-flow                  # Mermaid, for Markdown\n"
      "  kubectl pd visualize my-flow --format dot | dot -Tpng > dag.png");
  sub->add_option("DIR", path_, "Workflow folder (default: the current folder)");
  sub->add_option("--format", format_, "Diagram format: mermaid or dot")
      ->check(CLI::IsMember({"mermaid", "dot"}));
  return sub;
}

int VisualizeCommand::run(const GlobalOptions& globals, Io& io) {
  (void)globals;  // -o selects data formats; the diagram format is --format
  spec::LoadedWorkflow loaded = spec::load_workflow(path_);
  io.err << loaded.format_diagnostics();
  if (!loaded.plan) {
    return runtime_error(io, loaded.diagnostics.file() + ": " +
                                 std::to_string(loaded.diagnostics.error_count()) +
                                 " error(s); fix them to draw the DAG");
  }
  io.out << (format_ == "dot" ? spec::render_dot(loaded.workflow, *loaded.plan)
                              : spec::render_mermaid(loaded.workflow, *loaded.plan));
  return 0;
}

}  // namespace pd::kubectl_pd
