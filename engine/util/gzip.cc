#include "engine/util/gzip.h"

#include <zlib.h>

namespace pd {
namespace {

constexpr int kGzipWindowBits = 15 + 16;  // +16: gzip header and trailer instead of zlib's

}  // namespace

std::string gzip_compress(std::string_view data) {
  z_stream stream{};
  deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, kGzipWindowBits, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&stream, data.size()) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);  // the bound guarantees one call suffices
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

Result<std::string> gzip_decompress(std::string_view data, size_t max_bytes) {
  z_stream stream{};
  if (inflateInit2(&stream, kGzipWindowBits) != Z_OK) return internal_error("zlib: cannot start inflate");
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buffer[64 * 1024];
  int result = Z_OK;
  while (result == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof(buffer);
    result = inflate(&stream, Z_NO_FLUSH);
    if (result != Z_OK && result != Z_STREAM_END) break;
    out.append(buffer, sizeof(buffer) - stream.avail_out);
    if (out.size() > max_bytes) {
      inflateEnd(&stream);
      return failed_precondition("gzip data expands to more than " + std::to_string(max_bytes) +
                                 " bytes");
    }
    if (result == Z_OK && stream.avail_in == 0 && stream.avail_out != 0) {
      result = Z_BUF_ERROR;  // input ended before the stream did
    }
  }
  inflateEnd(&stream);
  if (result != Z_STREAM_END) return invalid_argument("not valid gzip data (truncated or corrupt)");
  return out;
}

}  // namespace pd
