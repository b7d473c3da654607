// pd-engine's command line: `pd-engine run` executes a workflow once and prints the result
// (`serve` comes with the server). Flags follow kubectl's conventions; errors are
// `error: …` on stderr with exit 1, usage errors exit 2.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace pd::engine {

int run_engine_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace pd::engine
