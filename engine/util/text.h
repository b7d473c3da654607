// Small string helpers shared by the file readers (secrets, config overrides, kubeconfigs).
#pragma once

#include <string>
#include <string_view>

namespace pd {

// Without leading and trailing spaces, tabs and line breaks.
std::string trim(std::string_view text);

}  // namespace pd
