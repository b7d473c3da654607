// The compiled plan of a workflow as JSON (`kubectl pd validate -o json`): identity, triggers,
// nodes with their stage and dependencies, stages, the node order, and the config.
#pragma once

#include <nlohmann/json.hpp>

#include "engine/spec/dag_compiler.h"
#include "engine/spec/workflow.h"

namespace pd::spec {

nlohmann::ordered_json plan_to_json(const Workflow& workflow, const Plan& plan);

// One trigger as JSON: {"type": "cron", "name": …, "schedule": …}, defaults spelled out.
nlohmann::ordered_json trigger_to_json(const Trigger& trigger, const std::string& workflow_name);

}  // namespace pd::spec
