#include "plugins/kubectl-pd/workflow_summary.h"

#include "engine/spec/workflow_discovery.h"

namespace pd::kubectl_pd {
namespace {

std::string plural(size_t count, const std::string& noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

std::string describe_trigger(const spec::Trigger& trigger) {
  std::string text = spec::trigger_type_name(trigger.kind);
  if (const auto* cron = std::get_if<spec::CronTrigger>(&trigger.kind)) {
    text += " \"" + cron->schedule + "\"";
  } else if (const auto* webhook = std::get_if<spec::WebhookTrigger>(&trigger.kind)) {
    text += " " + webhook->path;
  } else if (const auto* queue = std::get_if<spec::QueueTrigger>(&trigger.kind)) {
    text += " " + queue->subject + (queue->jetstream ? " (jetstream)" : "");
  }
  return text;
}

}  // namespace

LoadedSet load_workflows(const std::vector<std::string>& paths, Io& io) {
  LoadedSet set;
  for (const std::string& path : paths) {
    Result<std::vector<std::filesystem::path>> dirs = spec::find_workflow_dirs(path);
    if (!dirs.is_ok()) {
      io.err << "error: " << dirs.status().message() << "\n";
      set.ok = false;
      continue;
    }
    for (const std::filesystem::path& dir : dirs.value()) {
      spec::LoadedWorkflow loaded = spec::load_workflow(dir);
      io.err << loaded.format_diagnostics();
      if (!loaded.ok()) {
        int errors = loaded.diagnostics.error_count();
        io.err << "error: " << loaded.diagnostics.file() << ": " << plural(errors, "error") << "\n";
        set.ok = false;
      }
      set.workflows.push_back(std::move(loaded));
    }
  }
  return set;
}

std::string summary_line(const spec::Workflow& workflow, const spec::Plan& plan) {
  std::string triggers;
  for (const spec::Trigger& trigger : workflow.triggers) {
    triggers += (triggers.empty() ? "" : ", ") + describe_trigger(trigger);
  }
  return "workflow/" + workflow.name + " validated: version " + workflow.version + ", " +
         plural(plan.node_order.size(), "node") + " in " + plural(plan.stages.size(), "stage") +
         ", triggers: " + triggers;
}

}  // namespace pd::kubectl_pd
