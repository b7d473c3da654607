// `Table` responses (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`): the columns the
// real server prints for each kind, and rows carrying PartialObjectMetadata so that kubectl's
// NAMESPACE (`-A`) and LABELS (`--show-labels`) columns work.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fakes/k8s/resource_catalog.h"

namespace pd::fake_k8s {

bool wants_table(const std::string& accept);

// A Table of `objects` of `type`; `resource_version` becomes the Table's.
nlohmann::json table_of(const ResourceType& type, const std::vector<nlohmann::json>& objects,
                        const std::string& resource_version,
                        std::chrono::system_clock::time_point now);

// kubectl's age format: 45s, 3m12s, 17m, 5h3m, 2d4h, 120d, 3y…
std::string human_duration(std::chrono::seconds age);

}  // namespace pd::fake_k8s
