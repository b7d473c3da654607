#include "engine/js/net_policy.h"

namespace pd::js {

bool NetPolicy::allows(const HttpUrl& url) const {
  for (const std::string& entry : allowed_) {
    if (entry == "*") return true;
    std::string host = entry;
    std::string port;
    size_t colon = entry.rfind(':');
    bool bracketed = entry.starts_with("[");
    if (colon != std::string::npos && (!bracketed || entry[colon - 1] == ']') &&
        (bracketed || entry.find(':') == colon)) {
      host = entry.substr(0, colon);
      port = entry.substr(colon + 1);
    }
    if (bracketed && host.size() >= 2) host = host.substr(1, host.size() - 2);
    if (!port.empty() && port != std::to_string(url.port)) continue;
    if (host == url.host) return true;
    if (host.starts_with("*.") && url.host.ends_with(host.substr(1))) return true;
  }
  return false;
}

Status NetPolicy::check(const HttpUrl& url) const {
  if (allows(url)) return Status();
  return Status(StatusCode::kPermissionDenied,
                "Requires net access to \"" + url.authority() + "\": add \"" + url.host +
                    "\" to the node's capabilities.net in workflow.yaml");
}

}  // namespace pd::js
