// `kubectl pd test [PATH...] [flags]`: runs pd-harness (found on PATH, as kubectl finds plugins)
// with the same arguments, so the plugin itself stays free of V8.
#pragma once

#include <string>
#include <vector>

namespace pd::kubectl_pd {

// Replaces this process with `pd-harness test ARGS`; returns 1 with an error when it cannot.
int exec_harness(const std::vector<std::string>& args, std::ostream& err);

}  // namespace pd::kubectl_pd
