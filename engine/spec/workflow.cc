#include "engine/spec/workflow.h"

namespace pd::spec {

std::string trigger_type_name(const TriggerKind& kind) {
  struct Visitor {
    std::string operator()(const ManualTrigger&) const { return "manual"; }
    std::string operator()(const CronTrigger&) const { return "cron"; }
    std::string operator()(const WebhookTrigger&) const { return "webhook"; }
    std::string operator()(const QueueTrigger&) const { return "queue"; }
  };
  return std::visit(Visitor{}, kind);
}

const Node* Workflow::find_node(std::string_view node_name) const {
  for (const Node& node : nodes) {
    if (node.name == node_name) return &node;
  }
  return nullptr;
}

}  // namespace pd::spec
