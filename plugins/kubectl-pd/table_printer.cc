#include "plugins/kubectl-pd/table_printer.h"

#include "engine/util/clock.h"

#include <algorithm>
#include <chrono>
#include <ctime>

namespace pd::kubectl_pd {

void print_table(std::ostream& out, const std::vector<std::string>& headers,
                 const std::vector<std::vector<std::string>>& rows, bool no_headers) {
  std::vector<size_t> widths(headers.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  };
  if (!no_headers) measure(headers);
  for (const auto& row : rows) measure(row);
  auto print = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 3, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << "\n";
  };
  if (!no_headers) print(headers);
  for (const auto& row : rows) print(row);
}

std::string age_since(const std::string& rfc3339) {
  std::optional<std::chrono::system_clock::time_point> parsed = parse_rfc3339(rfc3339);
  if (!parsed) return "<unknown>";
  auto then = *parsed;
  long seconds = std::max<long>(0, std::chrono::duration_cast<std::chrono::seconds>(
                                       std::chrono::system_clock::now() - then)
                                       .count());
  if (seconds < 120) return std::to_string(seconds) + "s";
  if (seconds < 7200) return std::to_string(seconds / 60) + "m";
  if (seconds < 172800) return std::to_string(seconds / 3600) + "h";
  return std::to_string(seconds / 86400) + "d";
}

}  // namespace pd::kubectl_pd
