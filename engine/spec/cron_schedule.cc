#include "engine/spec/cron_schedule.h"

#include <array>
#include <bitset>
#include <cctype>
#include <sstream>
#include <vector>

#include "engine/util/text.h"

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

// Checks one item of a list: `*`, `?`, `N`, `N-M`, each optionally followed by `/step`, and
// sets the values it selects in `selected` (bit i = value i).
bool check_item(const std::string& item, const FieldSpec& spec, bool allow_question,
                std::string& error, std::bitset<64>& selected) {
  std::vector<std::string> step_parts = split(item, '/');
  if (step_parts.size() > 2) {
    error = "\"" + item + "\" has more than one '/'";
    return false;
  }
  const std::string& range = step_parts[0];
  int step = 1;
  if (step_parts.size() == 2) {
    bool digits = !step_parts[1].empty() && step_parts[1].size() <= 4;
    for (char c : step_parts[1]) digits = digits && std::isdigit(static_cast<unsigned char>(c));
    if (!digits || std::stoi(step_parts[1]) == 0) {
      error = "step \"" + step_parts[1] + "\" must be a positive number";
      return false;
    }
    step = std::stoi(step_parts[1]);
  }
  auto select = [&](int low, int high) {
    for (int v = low; v <= high; v += step) selected.set(static_cast<size_t>(v));
  };
  if (range == "*" || (range == "?" && allow_question)) {
    select(spec.min, spec.max);
    return true;
  }
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
    select(*low, *high);
    return true;
  }
  // N/step means N, N+step, … up to the field's maximum (as cron does).
  select(*low, step_parts.size() == 2 ? spec.max : *low);
  return true;
}

}  // namespace

Result<CronFields> parse_cron_schedule(std::string_view schedule) {
  static const std::array<std::pair<const char*, const char*>, 7> kMacros = {{
      {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
      {"@weekly", "0 0 * * 0"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
      {"@hourly", "0 * * * *"}}};
  if (!schedule.empty() && schedule[0] == '@') {
    for (const auto& [macro, fields] : kMacros) {
      if (schedule == macro) return parse_cron_schedule(fields);
    }
    return invalid_argument("unknown macro \"" + std::string(schedule) +
                            "\"; expected @yearly, @monthly, @weekly, @daily or @hourly, or 5 fields");
  }
  std::istringstream words{std::string(schedule)};
  std::vector<std::string> fields;
  for (std::string word; words >> word;) fields.push_back(word);
  if (fields.size() != 5) {
    std::string message = "expected 5 fields (minute hour day-of-month month day-of-week), got " +
                          std::to_string(fields.size());
    if (fields.size() == 6) message += "; a seconds field is not supported";
    return invalid_argument(message + " — e.g. \"*/5 * * * *\" for every five minutes");
  }
  std::array<std::bitset<64>, 5> selected;
  for (size_t i = 0; i < fields.size(); ++i) {
    const FieldSpec& spec = field_specs()[i];
    bool allow_question = i == 2 || i == 4;
    for (const std::string& item : split(fields[i], ',')) {
      std::string error;
      if (!check_item(item, spec, allow_question, error, selected[i])) {
        return invalid_argument(std::string(spec.name) + " field \"" + fields[i] + "\": " + error);
      }
    }
  }
  CronFields out;
  out.minutes = selected[0].to_ullong();
  out.hours = static_cast<uint32_t>(selected[1].to_ullong());
  out.days = static_cast<uint32_t>(selected[2].to_ullong());
  out.months = static_cast<uint16_t>(selected[3].to_ullong());
  out.weekdays = static_cast<uint8_t>((selected[4].to_ullong() | (selected[4][7] ? 1 : 0)) & 0x7f);
  out.days_restricted = fields[2] != "*" && fields[2] != "?";
  out.weekdays_restricted = fields[4] != "*" && fields[4] != "?";
  return out;
}

std::optional<std::string> check_cron_schedule(std::string_view schedule) {
  Result<CronFields> parsed = parse_cron_schedule(schedule);
  if (parsed.is_ok()) return std::nullopt;
  return parsed.status().message();
}

bool CronFields::matches(int minute, int hour, int day, int month, int weekday) const {
  return (minutes >> minute & 1) && (hours >> hour & 1) && matches_day(day, month, weekday);
}

bool CronFields::matches_day(int day, int month, int weekday) const {
  if (!(months >> month & 1)) return false;
  bool day_ok = days >> day & 1;
  bool weekday_ok = weekdays >> weekday & 1;
  // As in cron: when both are restricted, either one matching is enough.
  if (days_restricted && weekdays_restricted) return day_ok || weekday_ok;
  return day_ok && weekday_ok;
}

std::optional<std::chrono::system_clock::time_point> next_cron_time(
    const CronFields& fields, const TimeZone& zone, std::chrono::system_clock::time_point after) {
  using namespace std::chrono;
  int64_t t = duration_cast<minutes>(after.time_since_epoch()).count() * 60 + 60;
  const int64_t limit = t + int64_t{5} * 366 * 86400;
  auto offset = [&](int64_t utc) { return zone.offset_at(system_clock::time_point(seconds(utc))); };
  while (t < limit) {
    int off = offset(t);
    int64_t local = t + off;
    sys_days day{days(local >= 0 ? local / 86400 : (local - 86399) / 86400)};
    int64_t into_day = local - int64_t{day.time_since_epoch().count()} * 86400;
    year_month_day date{day};
    int hour = static_cast<int>(into_day / 3600);
    int minute = static_cast<int>(into_day % 3600 / 60);
    int month = static_cast<int>(static_cast<unsigned>(date.month()));
    int mday = static_cast<int>(static_cast<unsigned>(date.day()));
    int wday = static_cast<int>(weekday(day).c_encoding());
    // Skips land an hour early rather than late, so a DST change can never jump over a match.
    if (!fields.matches_day(mday, month, wday)) {
      t += std::max<int64_t>(60, 86400 - into_day - 3600);
      continue;
    }
    if (!(fields.hours >> hour & 1)) {
      t += 3600 - into_day % 3600;
      continue;
    }
    if (fields.matches(minute, hour, mday, month, wday)) {
      // Fall back: the same wall time an hour ago (under the earlier, larger offset) already fired.
      int before = offset(t - 3600);
      if (before > off && offset(t - (before - off)) == before) {
        t += 60;
        continue;
      }
      return system_clock::time_point(seconds(t));
    }
    t += 60;
  }
  return std::nullopt;
}

}  // namespace pd::spec
