// Standard base64 (RFC 4648, with padding), as Kubernetes uses for Secret data.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pd {

std::string base64_encode(std::string_view raw);
// Nothing when `text` is not valid padded base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace pd
