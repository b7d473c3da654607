// Which hosts a node may reach: deny by default, in the spirit of Deno's --allow-net. Entries
// come from the node's `capabilities.net` (or an engine-wide setting): "api.github.com" (any
// port), "localhost:8080", "*.example.com" (subdomains), "*" (everything). No V8 here.
#pragma once

#include <string>
#include <vector>

#include "engine/util/http_transport.h"
#include "engine/util/status.h"

namespace pd::js {

class NetPolicy {
 public:
  NetPolicy() = default;
  explicit NetPolicy(std::vector<std::string> allowed) : allowed_(std::move(allowed)) {}
  static NetPolicy allow_all() { return NetPolicy({"*"}); }

  bool allows(const HttpUrl& url) const;
  // OK, or PermissionDenied naming the host and the capability to add.
  Status check(const HttpUrl& url) const;
  const std::vector<std::string>& allowed() const { return allowed_; }

 private:
  std::vector<std::string> allowed_;
};

}  // namespace pd::js
