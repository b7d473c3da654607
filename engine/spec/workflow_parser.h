// Turns the text of a workflow.yaml into the typed Workflow model, reporting every structural
// problem (types, required and unknown keys, value formats) with its position. Checks that need
// the filesystem or the whole graph live in workflow_checks.h.
#pragma once

#include <string>

#include "engine/spec/workflow.h"
#include "engine/util/diagnostic.h"

namespace pd::spec {

// Parses `text`; problems go to `diagnostics`. The returned model holds whatever could be read,
// and is meaningful only when `diagnostics` has no errors.
Workflow parse_workflow(const std::string& text, DiagnosticList& diagnostics);

}  // namespace pd::spec
