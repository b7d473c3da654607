// Comparing a node's output with a fixture's `expected`: deep equality (key order ignored) or a
// subset match, reported as path-level differences (`$.summary.ready: expected 3, got 2`).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace pd::harness {

// Every difference, at most `limit`; empty when `actual` matches. With `subset`, objects in
// `actual` may have keys `expected` does not mention.
std::vector<std::string> json_differences(const nlohmann::json& expected,
                                          const nlohmann::json& actual, bool subset,
                                          size_t limit = 20);

}  // namespace pd::harness
