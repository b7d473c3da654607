#include "engine/spec/cron_schedule.h"

#include <array>
#include <cctype>
#include <sstream>
#include <vector>

namespace pd::spec {
namespace {

struct FieldSpec {
  const char* name;
  int min;
  int max;
  std::vector<std::string> names;  // names[i] stands for min + i
};

const std::array<FieldSpec, 5>& field_specs() {
  static const std::array<FieldSpec, 5> kFields = {{
      {"minute", 0, 59, {}},
      {"hour", 0, 23, {}},
      {"day-of-month", 1, 31, {}},
      {"month",
       1,
       12,
       {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
      {"day-of-week", 0, 7, {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}},
  }};
  return kFields;
}

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  std::string current;
  for (char c : text) {
    if (c == separator) {
      parts.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  parts.push_back(current);
  return parts;
}

// Parses one value (a number or a name) of a field; returns nothing and sets `error` if invalid.
std::optional<int> parse_value(const std::string& text, const FieldSpec& spec, std::string& error) {
  if (text.empty()) {
    error = "empty value";
    return std::nullopt;
  }
  if (std::isdigit(static_cast<unsigned char>(text[0]))) {
    for (char c : text) {
      if (!std::isdigit(static_cast<unsigned char>(c))) {
        error = "\"" + text + "\" is not a number";
        return std::nullopt;
      }
    }
    if (text.size() > 4) {
      error = "value " + text + " is out of range " + std::to_string(spec.min) + "-" +
              std::to_string(spec.max);
      return std::nullopt;
    }
    int value = std::stoi(text);
    if (value < spec.min || value > spec.max) {
      error = "value " + text + " is out of range " + std::to_string(spec.min) + "-" +
              std::to_string(spec.max);
      return std::nullopt;
    }
    return value;
  }
  std::string upper;
  for (char c : text) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (size_t i = 0; i < spec.names.size(); ++i) {
    if (spec.names[i] == upper) return spec.min + static_cast<int>(i);
  }
  error =
      "\"" + text + "\" is not a number" +
      (spec.names.empty() ? ""
                          : " or a name (" + spec.names.front() + "-" + spec.names.back() + ")");
  return std::nullopt;
}

// Checks one item of a list: `*`, `?`, `N`, `N-M`, each optionally followed by `/step`.
bool check_item(const std::string& item, const FieldSpec& spec, bool allow_question,
                std::string& error) {
  std::vector<std::string> step_parts = split(item, '/');
  if (step_parts.size() > 2) {
    error = "\"" + item + "\" has more than one '/'";
    return false;
  }
  const std::string& range = step_parts[0];
  if (step_parts.size() == 2) {
    const std::string& step = step_parts[1];
    bool digits = !step.empty() && step.size() <= 4;
    for (char c : step) digits = digits && std::isdigit(static_cast<unsigned char>(c));
    if (!digits || std::stoi(step) == 0) {
      error = "step \"" + step + "\" must be a positive number";
      return false;
    }
  }
  if (range == "*" || (range == "?" && allow_question)) return true;
  std::vector<std::string> bounds = split(range, '-');
  if (bounds.size() > 2) {
    error = "\"" + range + "\" is not a range; expected N-M";
    return false;
  }
  std::optional<int> low = parse_value(bounds[0], spec, error);
  if (!low) return false;
  if (bounds.size() == 2) {
    std::optional<int> high = parse_value(bounds[1], spec, error);
    if (!high) return false;
    if (*high < *low) {
      error = "range " + range + " runs backwards";
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<std::string> check_cron_schedule(std::string_view schedule) {
  static const std::array<const char*, 7> kMacros = {"@yearly", "@annually", "@monthly", "@weekly",
                                                     "@daily",  "@midnight", "@hourly"};
  if (!schedule.empty() && schedule[0] == '@') {
    for (const char* macro : kMacros) {
      if (schedule == macro) return std::nullopt;
    }
    return "unknown macro \"" + std::string(schedule) +
           "\"; expected @yearly, @monthly, @weekly, @daily or @hourly, or 5 fields";
  }
  std::istringstream words{std::string(schedule)};
  std::vector<std::string> fields;
  for (std::string word; words >> word;) fields.push_back(word);
  if (fields.size() != 5) {
    std::string message = "expected 5 fields (minute hour day-of-month month day-of-week), got " +
                          std::to_string(fields.size());
    if (fields.size() == 6) message += "; a seconds field is not supported";
    return message + " — e.g. \"*/5 * * * *\" for every five minutes";
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    const FieldSpec& spec = field_specs()[i];
    bool allow_question = i == 2 || i == 4;
    for (const std::string& item : split(fields[i], ',')) {
      std::string error;
      if (!check_item(item, spec, allow_question, error)) {
        return std::string(spec.name) + " field \"" + fields[i] + "\": " + error;
      }
    }
  }
  return std::nullopt;
}

}  // namespace pd::spec
