#include "engine/util/diagnostic.h"

#include <gtest/gtest.h>

namespace pd {
namespace {

TEST(Diagnostic, FormatsFileLineColumnSourceLineAndCaret) {
  Diagnostic d{Severity::kError, {2, 5}, "bad value"};
  EXPECT_EQ(format_diagnostic("w.yaml", d, "a: 1\nb:  x\n"),
            "w.yaml:2:5: error: bad value\nb:  x\n    ^\n");
}

TEST(Diagnostic, KeepsTabsSoTheCaretLinesUp) {
  Diagnostic d{Severity::kWarning, {1, 3}, "look"};
  EXPECT_EQ(format_diagnostic("f", d, "\t\tx\r\n"), "f:1:3: warning: look\n\t\tx\n\t\t^\n");
}

TEST(Diagnostic, FileLevelDiagnosticHasNoPosition) {
  Diagnostic d{Severity::kError, {}, "missing"};
  EXPECT_EQ(format_diagnostic("f", d, "x"), "f: error: missing\n");
}

TEST(DiagnosticList, SortsByPositionAndCountsErrors) {
  DiagnosticList list("f");
  list.error({2, 1}, "second");
  list.warning({1, 1}, "first");
  EXPECT_EQ(list.error_count(), 1);
  EXPECT_TRUE(list.has_errors());
  EXPECT_EQ(list.format("a\nb\n"), "f:1:1: warning: first\na\n^\nf:2:1: error: second\nb\n^\n");
}

}  // namespace
}  // namespace pd
