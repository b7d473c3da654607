// The process environment as a map, read once where a binary starts: libraries take it as a
// parameter (what Deno.env shows, proxies, KUBECONFIG), so tests can pass their own.
#pragma once

#include <map>
#include <string>

namespace pd {

std::map<std::string, std::string> process_environment();

}  // namespace pd
