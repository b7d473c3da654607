// `pd-harness test [PATH[/node]]... [--reporter console|junit|json|tap [--out FILE]]... [-j N]
// [--filter REGEX] [--update] [--ci] [--timeout D]`. Exit 0 when every fixture passes, 1 when any
// fails (whatever the reporter), 2 for usage errors.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "engine/js/v8_platform.h"

namespace pd::harness {

// `platform` is the process's one V8 platform (main owns it).
int run_harness_cli(js::V8Platform& platform, const std::vector<std::string>& args,
                    std::ostream& out, std::ostream& err);

}  // namespace pd::harness
