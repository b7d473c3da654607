// Test reports: console (ends with `N passed, N failed` and `, N skipped` when any), JUnit XML,
// JSON and TAP 13, all in the order the runner returned the results.
#pragma once

#include <string>
#include <vector>

#include "harness/test_runner.h"

namespace pd::harness {

// `format`: console, junit, json or tap. `color` only affects console.
std::string render_report(const std::string& format, const std::vector<CaseResult>& results,
                          bool color = false);

}  // namespace pd::harness
