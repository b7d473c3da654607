// kubectl-style tables: UPPERCASE headers, columns padded to their widest cell plus two spaces.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace pd::kubectl_pd {

void print_table(std::ostream& out, const std::vector<std::string>& headers,
                 const std::vector<std::vector<std::string>>& rows, bool no_headers = false);

// "5s", "3m", "2h", "4d" since an RFC 3339 timestamp, as kubectl's AGE column shows.
std::string age_since(const std::string& rfc3339);

}  // namespace pd::kubectl_pd
