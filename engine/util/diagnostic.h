// Diagnostics about user files: `file:line:col: error: message`, then the source line and a caret.
// A DiagnosticList collects every problem in a file so that all of them are reported at once.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pd {

// A 1-based position in a text file; line 0 means "the file as a whole".
struct SourcePos {
  int line = 0;
  int column = 0;
};

enum class Severity { kError, kWarning };

struct Diagnostic {
  Severity severity = Severity::kError;
  SourcePos pos;
  std::string message;
};

// The problems found in one file, in the order they were found.
class DiagnosticList {
 public:
  explicit DiagnosticList(std::string file) : file_(std::move(file)) {}

  void error(SourcePos pos, std::string message);
  void warning(SourcePos pos, std::string message);

  const std::string& file() const { return file_; }
  const std::vector<Diagnostic>& items() const { return items_; }
  bool has_errors() const;
  int error_count() const;

  // Every diagnostic sorted by position, each formatted with its source line from `source`.
  std::string format(std::string_view source) const;

 private:
  std::string file_;
  std::vector<Diagnostic> items_;
};

// One diagnostic in the compiler style; `source` is the whole file text (may be empty).
std::string format_diagnostic(std::string_view file, const Diagnostic& diagnostic,
                              std::string_view source);

}  // namespace pd
