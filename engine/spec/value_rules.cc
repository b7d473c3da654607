#include "engine/spec/value_rules.h"

#include <algorithm>
#include <regex>

namespace pd::spec {
namespace {

bool matches(std::string_view text, const std::regex& pattern) {
  return std::regex_match(text.begin(), text.end(), pattern);
}

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

}  // namespace

Problem check_workflow_name(std::string_view name) {
  static const std::regex kKebab("^[a-z][a-z0-9]*(-[a-z0-9]+)*$");
  if (!matches(name, kKebab)) {
    return quoted(name) +
           " is not a valid workflow name; expected kebab-case: lowercase letters and digits in "
           "words joined by single hyphens, starting with a letter (e.g. \"github-digest\")";
  }
  if (name.size() > 63) {
    return "workflow name is " + std::to_string(name.size()) +
           " characters long; Kubernetes names derived from it allow at most 63";
  }
  return std::nullopt;
}

Problem check_version(std::string_view version) {
  static const std::regex kVersion(R"(^[0-9]+\.[0-9]+(\.[0-9]+)?(-[0-9a-z]+([.-][0-9a-z]+)*)?$)");
  if (!matches(version, kVersion)) {
    return quoted(version) +
           " is not a valid version; expected MAJOR.MINOR or MAJOR.MINOR.PATCH, optionally with "
           "a lowercase pre-release such as \"1.2.0-rc1\", written in quotes: version: \"1.0\"";
  }
  if (version.size() > 63) {
    return "version is " + std::to_string(version.size()) +
           " characters long; as a Kubernetes label it allows at most 63";
  }
  return std::nullopt;
}

std::string version_label(std::string_view version) {
  std::string label(version);
  std::replace(label.begin(), label.end(), '.', '-');
  return label;
}

Problem check_identifier(std::string_view name) {
  static const std::regex kIdentifier("^[a-z][a-z0-9_-]*$");
  if (!matches(name, kIdentifier)) {
    return quoted(name) +
           " is not a valid name; expected lowercase letters, digits, '-' and '_', starting with "
           "a letter";
  }
  return std::nullopt;
}

Problem check_dns1123_label(std::string_view name) {
  static const std::regex kLabel("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
  if (name.size() > 63 || !matches(name, kLabel)) {
    return quoted(name) +
           " is not a valid Kubernetes name; expected at most 63 lowercase letters, digits and "
           "'-', starting and ending with a letter or digit";
  }
  return std::nullopt;
}

Problem check_dns1123_subdomain(std::string_view name) {
  static const std::regex kSubdomain(
      R"(^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$)");
  if (name.size() > 253 || !matches(name, kSubdomain)) {
    return quoted(name) +
           " is not a valid Kubernetes name; expected lowercase letters, digits, '-' and '.', "
           "starting and ending with a letter or digit";
  }
  return std::nullopt;
}

Problem check_nats_subject(std::string_view subject, bool allow_wildcards) {
  if (subject.empty()) return "the subject is empty";
  std::vector<std::string_view> tokens;
  size_t start = 0;
  while (true) {
    size_t dot = subject.find('.', start);
    tokens.push_back(subject.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  for (size_t i = 0; i < tokens.size(); ++i) {
    std::string_view token = tokens[i];
    if (token.empty()) {
      return quoted(subject) + " has an empty token; tokens are separated by single dots";
    }
    if (std::any_of(token.begin(), token.end(), [](char c) { return c <= ' ' || c == 127; })) {
      return quoted(subject) + " contains whitespace or control characters";
    }
    bool wildcard = token == "*" || token == ">";
    if (!wildcard &&
        (token.find('*') != std::string_view::npos || token.find('>') != std::string_view::npos)) {
      return quoted(subject) + ": the wildcards '*' and '>' must be whole tokens";
    }
    if (wildcard && !allow_wildcards) {
      return quoted(subject) + " contains a wildcard; a subject to publish to must be concrete";
    }
    if (token == ">" && i + 1 != tokens.size()) {
      return quoted(subject) + ": '>' may only be the last token";
    }
  }
  return std::nullopt;
}

Problem check_subject_template(std::string_view subject_template) {
  static const std::regex kHeaderVariable(R"(\{header:[A-Za-z0-9-]+\})");
  std::string replaced =
      std::regex_replace(std::string(subject_template), kHeaderVariable, std::string("x"));
  if (replaced.find_first_of("{}") != std::string::npos) {
    return quoted(subject_template) +
           " has an unknown variable; the supported one is {header:Header-Name}";
  }
  return check_nats_subject(replaced, false);
}

Problem check_host_pattern(std::string_view host) {
  static const std::regex kHost(
      R"(^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(:[0-9]{1,5})?$)");
  if (!matches(host, kHost)) {
    return quoted(host) +
           " is not a host; expected a lowercase host name, optionally with a leading \"*.\" "
           "and a \":port\" (e.g. \"api.github.com\", \"*.slack.com:443\")";
  }
  return std::nullopt;
}

Problem check_quantity(std::string_view quantity) {
  static const std::regex kQuantity(
      R"(^[+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][-+]?[0-9]+)?$)");
  if (!matches(quantity, kQuantity)) {
    return quoted(quantity) +
           " is not a Kubernetes quantity; expected e.g. \"250m\" or \"1\" (cpu), \"512Mi\" or "
           "\"1Gi\" (memory)";
  }
  return std::nullopt;
}

Problem check_rfc3339(std::string_view timestamp) {
  static const std::regex kTime(
      R"(^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$)");
  if (!matches(timestamp, kTime)) {
    return quoted(timestamp) + " is not an RFC 3339 time; expected e.g. \"2026-01-31T12:00:00Z\"";
  }
  return std::nullopt;
}

Problem check_timezone_name(std::string_view zone) {
  static const std::regex kZone(R"(^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$)");
  if (!matches(zone, kZone)) {
    return quoted(zone) + " is not a time zone name; expected e.g. \"UTC\" or \"Europe/Berlin\"";
  }
  return std::nullopt;
}

}  // namespace pd::spec
