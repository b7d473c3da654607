#include "harness/reporters.h"

#include <nlohmann/json.hpp>
#include <sstream>

namespace pd::harness {
namespace {

std::string xml_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') continue;
        out += c;
    }
  }
  return out;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += (out.empty() ? "" : "\n") + line;
  return out;
}

struct Counts {
  int passed = 0, failed = 0, skipped = 0;
};

Counts count(const std::vector<CaseResult>& results) {
  Counts c;
  for (const CaseResult& r : results) {
    if (r.outcome == Outcome::kPassed) ++c.passed;
    if (r.outcome == Outcome::kFailed) ++c.failed;
    if (r.outcome == Outcome::kSkipped) ++c.skipped;
  }
  return c;
}

std::string console(const std::vector<CaseResult>& results, bool color) {
  std::ostringstream out;
  auto paint = [&](const char* code, const std::string& text) {
    return color ? std::string("\033[") + code + "m" + text + "\033[0m" : text;
  };
  for (const CaseResult& r : results) {
    std::string name = r.workflow + "/" + r.name;
    if (r.outcome == Outcome::kSkipped) {
      out << paint("33", "- skip") << " " << name << " (" << joined(r.problems) << ")\n";
      continue;
    }
    char ms[32];
    std::snprintf(ms, sizeof(ms), "%.0f ms", r.ms);
    out << (r.outcome == Outcome::kPassed ? paint("32", "✓ pass") : paint("31", "✗ FAIL")) << " "
        << name << " (" << ms << ")\n";
    for (const std::string& note : r.notes) out << "    " << note << "\n";
    if (r.output) {
      std::string shown = r.output->dump();
      if (shown.size() > 2000) shown = shown.substr(0, 2000) + "… (" + std::to_string(shown.size()) + " bytes)";
      out << "    output: " << shown << "\n";
    }
    if (r.outcome == Outcome::kFailed) {
      out << "    " << r.file << "\n";
      for (const std::string& problem : r.problems) {
        std::istringstream lines(problem);
        std::string line;
        int shown = 0;
        while (std::getline(lines, line) && shown++ < 8) out << "    " << line << "\n";
      }
      for (const js::ConsoleLine& log : r.logs) out << "    log " << log.level << ": " << log.text << "\n";
    }
  }
  Counts c = count(results);
  out << c.passed << " passed, " << c.failed << " failed";
  if (c.skipped) out << ", " << c.skipped << " skipped";
  out << "\n";
  return out.str();
}

std::string junit(const std::vector<CaseResult>& results) {
  std::ostringstream out;
  Counts c = count(results);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"pd-harness\" tests=\""
      << results.size() << "\" failures=\"" << c.failed << "\" skipped=\"" << c.skipped << "\">\n";
  std::string current;
  for (size_t i = 0; i < results.size(); ++i) {
    const CaseResult& r = results[i];
    if (r.workflow != current) {
      if (!current.empty()) out << "  </testsuite>\n";
      current = r.workflow;
      int tests = 0, failures = 0, skipped = 0;
      for (const CaseResult& other : results) {
        if (other.workflow != current) continue;
        ++tests;
        failures += other.outcome == Outcome::kFailed;
        skipped += other.outcome == Outcome::kSkipped;
      }
      out << "  <testsuite name=\"" << xml_escape(current) << "\" tests=\"" << tests
          << "\" failures=\"" << failures << "\" skipped=\"" << skipped << "\">\n";
    }
    out << "    <testcase classname=\"" << xml_escape(r.workflow) << "\" name=\"" << xml_escape(r.name)
        << "\" time=\"" << r.ms / 1000 << "\"";
    if (r.outcome == Outcome::kPassed) {
      out << "/>\n";
    } else if (r.outcome == Outcome::kSkipped) {
      out << ">\n      <skipped message=\"" << xml_escape(joined(r.problems)) << "\"/>\n    </testcase>\n";
    } else {
      out << ">\n      <failure message=\"" << xml_escape(r.problems.empty() ? "failed" : r.problems.front())
          << "\">" << xml_escape(joined(r.problems)) << "</failure>\n    </testcase>\n";
    }
  }
  if (!current.empty()) out << "  </testsuite>\n";
  out << "</testsuites>\n";
  return out.str();
}

std::string json(const std::vector<CaseResult>& results) {
  Counts c = count(results);
  nlohmann::json out = {{"summary", {{"passed", c.passed}, {"failed", c.failed}, {"skipped", c.skipped}}},
                        {"results", nlohmann::json::array()}};
  for (const CaseResult& r : results) {
    nlohmann::json logs = nlohmann::json::array();
    for (const js::ConsoleLine& log : r.logs) logs.push_back({{"level", log.level}, {"text", log.text}});
    nlohmann::json entry = {{"workflow", r.workflow},
                              {"name", r.name},
                              {"file", r.file},
                              {"status", r.outcome == Outcome::kPassed   ? "passed"
                                         : r.outcome == Outcome::kFailed ? "failed"
                                                                         : "skipped"},
                              {"problems", r.problems},
                              {"logs", logs},
                              {"ms", r.ms}};
    if (r.output) entry["output"] = *r.output;
    out["results"].push_back(entry);
  }
  return out.dump(2) + "\n";
}

std::string tap(const std::vector<CaseResult>& results) {
  std::ostringstream out;
  out << "TAP version 13\n1.." << results.size() << "\n";
  for (size_t i = 0; i < results.size(); ++i) {
    const CaseResult& r = results[i];
    std::string name = r.workflow + "/" + r.name;
    if (r.outcome == Outcome::kSkipped) {
      out << "ok " << i + 1 << " - " << name << " # SKIP " << joined(r.problems) << "\n";
    } else if (r.outcome == Outcome::kPassed) {
      out << "ok " << i + 1 << " - " << name << "\n";
    } else {
      out << "not ok " << i + 1 << " - " << name << "\n  ---\n  file: " << r.file << "\n  problems:\n";
      for (const std::string& p : r.problems) out << "    - " << nlohmann::json(p).dump() << "\n";
      out << "  ...\n";
    }
  }
  return out.str();
}

}  // namespace

std::string render_report(const std::string& format, const std::vector<CaseResult>& results,
                          bool color) {
  if (format == "junit") return junit(results);
  if (format == "json") return json(results);
  if (format == "tap") return tap(results);
  return console(results, color);
}

}  // namespace pd::harness
