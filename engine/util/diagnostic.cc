#include "engine/util/diagnostic.h"

#include <algorithm>

namespace pd {
namespace {

// The text of 1-based line `line` in `source`, without its line break.
std::string_view source_line(std::string_view source, int line) {
  size_t start = 0;
  for (int i = 1; i < line; ++i) {
    size_t nl = source.find('\n', start);
    if (nl == std::string_view::npos) return {};
    start = nl + 1;
  }
  size_t end = source.find('\n', start);
  std::string_view text = source.substr(start, end == std::string_view::npos ? end : end - start);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  return text;
}

}  // namespace

void DiagnosticList::error(SourcePos pos, std::string message) {
  items_.push_back({Severity::kError, pos, std::move(message)});
}

void DiagnosticList::warning(SourcePos pos, std::string message) {
  items_.push_back({Severity::kWarning, pos, std::move(message)});
}

bool DiagnosticList::has_errors() const { return error_count() > 0; }

int DiagnosticList::error_count() const {
  return static_cast<int>(std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) {
    return d.severity == Severity::kError;
  }));
}

std::string DiagnosticList::format(std::string_view source) const {
  std::vector<Diagnostic> sorted = items_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return a.pos.line != b.pos.line ? a.pos.line < b.pos.line : a.pos.column < b.pos.column;
  });
  std::string out;
  for (const Diagnostic& d : sorted) out += format_diagnostic(file_, d, source);
  return out;
}

std::string format_diagnostic(std::string_view file, const Diagnostic& diagnostic,
                              std::string_view source) {
  const char* kind = diagnostic.severity == Severity::kError ? "error" : "warning";
  std::string out(file);
  if (diagnostic.pos.line > 0) {
    out += ":" + std::to_string(diagnostic.pos.line) + ":" + std::to_string(diagnostic.pos.column);
  }
  out += std::string(": ") + kind + ": " + diagnostic.message + "\n";
  std::string_view line = diagnostic.pos.line > 0 ? source_line(source, diagnostic.pos.line) : "";
  if (line.empty()) return out;
  out += std::string(line) + "\n";
  // Keep tabs so the caret lines up under the same column in a terminal.
  std::string caret;
  for (int i = 0; i + 1 < diagnostic.pos.column && i < static_cast<int>(line.size()); ++i) {
    caret += line[i] == '\t' ? '\t' : ' ';
  }
  out += caret + "^\n";
  return out;
}

}  // namespace pd
