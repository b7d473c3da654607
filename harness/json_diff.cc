#include "harness/json_diff.h"

#include <regex>

namespace pd::harness {
namespace {

std::string child(const std::string& path, const std::string& key) {
  static const std::regex kIdentifier("^[A-Za-z_$][A-Za-z0-9_$]*$");
  return std::regex_match(key, kIdentifier) ? path + "." + key
                                            : path + "[" + nlohmann::json(key).dump() + "]";
}

std::string shown(const nlohmann::json& value) {
  std::string text = value.dump();
  return text.size() > 80 ? text.substr(0, 77) + "..." : text;
}

void compare(const nlohmann::json& expected, const nlohmann::json& actual, bool subset,
             const std::string& path, std::vector<std::string>& out, size_t limit) {
  if (out.size() >= limit) return;
  if (expected.is_object() && actual.is_object()) {
    for (const auto& [key, value] : expected.items()) {
      if (!actual.contains(key)) {
        out.push_back(child(path, key) + ": expected " + shown(value) + ", got nothing");
      } else {
        compare(value, actual[key], subset, child(path, key), out, limit);
      }
    }
    if (!subset) {
      for (const auto& [key, value] : actual.items()) {
        if (!expected.contains(key)) {
          out.push_back(child(path, key) + ": not expected, got " + shown(value));
        }
      }
    }
    return;
  }
  if (expected.is_array() && actual.is_array()) {
    size_t common = std::min(expected.size(), actual.size());
    for (size_t i = 0; i < common; ++i) {
      compare(expected[i], actual[i], subset, path + "[" + std::to_string(i) + "]", out, limit);
    }
    if (expected.size() != actual.size()) {
      out.push_back(path + ": expected " + std::to_string(expected.size()) + " items, got " +
                    std::to_string(actual.size()));
    }
    return;
  }
  bool same = expected == actual;
  if (!same && expected.is_number() && actual.is_number()) {
    same = expected.get<double>() == actual.get<double>();
  }
  if (!same) out.push_back(path + ": expected " + shown(expected) + ", got " + shown(actual));
}

}  // namespace

std::vector<std::string> json_differences(const nlohmann::json& expected,
                                          const nlohmann::json& actual, bool subset,
                                          size_t limit) {
  std::vector<std::string> out;
  compare(expected, actual, subset, "$", out, limit);
  return out;
}

}  // namespace pd::harness
