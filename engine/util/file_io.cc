#include "engine/util/file_io.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace pd {

Result<std::string> read_text_file(const std::filesystem::path& path) {
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) {
    return not_found(path.string() + ": no such file");
  }
  if (std::filesystem::is_directory(status)) {
    return invalid_argument(path.string() + ": is a directory, expected a file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    StatusCode code = err == EACCES ? StatusCode::kPermissionDenied : StatusCode::kInternal;
    return Status(code, path.string() + ": cannot open: " + std::strerror(err));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Status write_file_atomically(const std::filesystem::path& path, const std::string& content,
                             std::filesystem::perms permissions) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out.flush()) {
      return Status(StatusCode::kInternal,
                    "cannot write " + tmp.string() + ": " + std::strerror(errno));
    }
  }
  std::error_code ec;
  std::filesystem::permissions(tmp, permissions, ec);
  std::filesystem::rename(tmp, path, ec);
  if (ec)
    return Status(StatusCode::kInternal, "cannot replace " + path.string() + ": " + ec.message());
  return Status::ok();
}

}  // namespace pd
