// Rules for single values in workflow.yaml: names, versions, durations, NATS subjects, host
// patterns, Kubernetes quantities. Each check returns nothing when the value is valid, or the
// reason it is not (the caller adds the file position and the field).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/spec/workflow.h"

namespace pd::spec {

using Problem = std::optional<std::string>;

// Workflow name: kebab-case and a DNS-1035 label (<= 63), so `{name}-code-{version}` and the
// Deployment/Service names derived from it are valid Kubernetes names.
Problem check_workflow_name(std::string_view name);

// Version: MAJOR.MINOR or MAJOR.MINOR.PATCH with an optional lowercase -prerelease, at most 63
// characters once turned into a label.
Problem check_version(std::string_view version);

// "1.2.0-rc1" -> "1-2-0-rc1": the form used in object names such as `{name}-code-{label}`.
std::string version_label(std::string_view version);

// Node and trigger names: `^[a-z][a-z0-9_-]*$`.
Problem check_identifier(std::string_view name);

// Kubernetes object names (namespace, ServiceAccount, Secret, RuntimeClass).
Problem check_dns1123_label(std::string_view name);
Problem check_dns1123_subdomain(std::string_view name);

// A NATS subject; wildcards (`*`, and `>` as the last token) only when `allow_wildcards`.
Problem check_nats_subject(std::string_view subject, bool allow_wildcards);

// A publish subject template: a subject whose tokens may contain `{header:Name}` variables.
Problem check_subject_template(std::string_view subject_template);

// A host a node may reach: `api.example.com`, `*.example.com`, optionally with `:port`.
Problem check_host_pattern(std::string_view host);

// A Kubernetes resource quantity such as `250m`, `1.5`, `512Mi`.
Problem check_quantity(std::string_view quantity);

// An RFC 3339 timestamp such as `2026-01-31T12:00:00Z`.
Problem check_rfc3339(std::string_view timestamp);

// An IANA time zone name such as `UTC` or `America/New_York` (syntax only).
Problem check_timezone_name(std::string_view zone);

}  // namespace pd::spec
