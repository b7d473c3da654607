// gzip (RFC 1952) through zlib: code bundles near the ConfigMap size limit travel compressed.
#pragma once

#include <string>
#include <string_view>

#include "engine/util/status.h"

namespace pd {

std::string gzip_compress(std::string_view data);
// InvalidArgument when `data` is not gzip or is truncated; FailedPrecondition when the result
// would exceed `max_bytes` (a decompression bomb).
Result<std::string> gzip_decompress(std::string_view data, size_t max_bytes = 256u << 20);

}  // namespace pd
