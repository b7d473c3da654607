#include "fakes/k8s/selectors.h"

#include <algorithm>

namespace pd::fake_k8s {
namespace {

std::string trim(std::string_view text) {
  size_t start = text.find_first_not_of(" \t");
  if (start == std::string_view::npos) return "";
  size_t end = text.find_last_not_of(" \t");
  return std::string(text.substr(start, end - start + 1));
}

// Splits on commas that are not inside parentheses.
std::vector<std::string> split_requirements(std::string_view text) {
  std::vector<std::string> parts;
  std::string current;
  int depth = 0;
  for (char c : text) {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      parts.push_back(trim(current));
      current.clear();
    } else {
      current += c;
    }
  }
  parts.push_back(trim(current));
  return parts;
}

bool valid_key(std::string_view key) {
  if (key.empty() || key.size() > 316) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
           c == '/';
  });
}

Status selector_error(std::string_view text, const std::string& why) {
  return invalid_argument("unable to parse requirement: " + why + " (in \"" + std::string(text) +
                          "\")");
}

}  // namespace

Result<LabelSelector> LabelSelector::parse(std::string_view text) {
  LabelSelector selector;
  if (trim(text).empty()) return selector;
  for (const std::string& part : split_requirements(text)) {
    if (part.empty()) return selector_error(text, "found ',', expected: identifier");
    Requirement req;
    size_t in_at = part.find(" in ");
    size_t notin_at = part.find(" notin ");
    if (notin_at != std::string::npos || in_at != std::string::npos) {
      bool notin = notin_at != std::string::npos;
      size_t at = notin ? notin_at : in_at;
      req.key = trim(part.substr(0, at));
      std::string rest = trim(part.substr(at + (notin ? 7 : 4)));
      if (rest.size() < 2 || rest.front() != '(' || rest.back() != ')') {
        return selector_error(text, "found '" + rest + "', expected: '('");
      }
      std::string inner = rest.substr(1, rest.size() - 2);
      size_t start = 0;
      while (true) {
        size_t comma = inner.find(',', start);
        req.values.push_back(trim(inner.substr(start, comma - start)));
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      req.op = notin ? Op::kNotIn : Op::kIn;
    } else if (size_t ne = part.find("!="); ne != std::string::npos) {
      req = {trim(part.substr(0, ne)), Op::kNotEquals, {trim(part.substr(ne + 2))}};
    } else if (size_t eq2 = part.find("=="); eq2 != std::string::npos) {
      req = {trim(part.substr(0, eq2)), Op::kEquals, {trim(part.substr(eq2 + 2))}};
    } else if (size_t eq = part.find('='); eq != std::string::npos) {
      req = {trim(part.substr(0, eq)), Op::kEquals, {trim(part.substr(eq + 1))}};
    } else if (part[0] == '!') {
      req = {trim(part.substr(1)), Op::kNotExists, {}};
    } else {
      req = {part, Op::kExists, {}};
    }
    if (!valid_key(req.key)) {
      return selector_error(text, "invalid label key \"" + req.key + "\"");
    }
    selector.requirements_.push_back(std::move(req));
  }
  return selector;
}

bool LabelSelector::matches(const nlohmann::json& labels) const {
  for (const Requirement& req : requirements_) {
    bool has = labels.is_object() && labels.contains(req.key) && labels[req.key].is_string();
    std::string value = has ? labels[req.key].get<std::string>() : "";
    auto listed = [&] {
      return std::find(req.values.begin(), req.values.end(), value) != req.values.end();
    };
    switch (req.op) {
      case Op::kEquals:
        if (!has || value != req.values[0]) return false;
        break;
      case Op::kNotEquals:
        if (has && value == req.values[0]) return false;
        break;
      case Op::kIn:
        if (!has || !listed()) return false;
        break;
      case Op::kNotIn:
        if (has && listed()) return false;
        break;
      case Op::kExists:
        if (!has) return false;
        break;
      case Op::kNotExists:
        if (has) return false;
        break;
    }
  }
  return true;
}

Result<FieldSelector> FieldSelector::parse(std::string_view text) {
  FieldSelector selector;
  if (trim(text).empty()) return selector;
  for (const std::string& part : split_requirements(text)) {
    Requirement req;
    size_t ne = part.find("!=");
    size_t eq2 = part.find("==");
    size_t eq = part.find('=');
    if (ne != std::string::npos) {
      req = {trim(part.substr(0, ne)), false, trim(part.substr(ne + 2))};
    } else if (eq2 != std::string::npos) {
      req = {trim(part.substr(0, eq2)), true, trim(part.substr(eq2 + 2))};
    } else if (eq != std::string::npos) {
      req = {trim(part.substr(0, eq)), true, trim(part.substr(eq + 1))};
    } else {
      return invalid_argument("invalid selector: '" + std::string(text) + "'; can't understand '" +
                              part + "'");
    }
    if (req.field != "metadata.name" && req.field != "metadata.namespace" &&
        req.field != "status.phase") {
      return invalid_argument("field label not supported: " + req.field);
    }
    selector.requirements_.push_back(std::move(req));
  }
  return selector;
}

bool FieldSelector::matches(const nlohmann::json& object) const {
  for (const Requirement& req : requirements_) {
    std::string value;
    const nlohmann::json* at = &object;
    size_t start = 0;
    while (at != nullptr) {
      size_t dot = req.field.find('.', start);
      std::string part = req.field.substr(start, dot - start);
      at = at->is_object() && at->contains(part) ? &(*at)[part] : nullptr;
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    if (at != nullptr && at->is_string()) value = at->get<std::string>();
    if ((value == req.value) != req.equals) return false;
  }
  return true;
}

}  // namespace pd::fake_k8s
