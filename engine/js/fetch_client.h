// fetch's network half, without V8: sends a request through an HttpTransport, checks every hop
// against the node's NetPolicy, and follows redirects as the Fetch standard does (303 → GET,
// 301/302 POST → GET, credentials dropped across origins, at most 20 hops).
#pragma once

#include <string>

#include "engine/js/net_policy.h"
#include "engine/util/http_transport.h"

namespace pd::js {

enum class RedirectMode { kFollow, kManual, kError };

struct FetchResult {
  HttpResponse response;
  std::string url;  // the final URL
  bool redirected = false;
};

// Errors: PermissionDenied for a host the policy does not allow (before anything is sent), the
// transport's errors, InvalidArgument for a bad URL or a redirect refused by `mode`.
Result<FetchResult> fetch_with_redirects(const HttpTransport& transport, HttpRequest request,
                                         RedirectMode mode, const NetPolicy& policy);

}  // namespace pd::js
