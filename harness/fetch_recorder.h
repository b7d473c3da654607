// `--record`: real HTTP, with every exchange kept so it can be written into the fixture as `fetch`
// mocks. Secret values are replaced — by the fixture's own (fake) value for the same secret when
// it has one, so the recorded mocks match when the fixture replays, else by "<redacted>" — and
// request headers (authorization, cookies, API keys) are not kept at all.
#pragma once

#include <mutex>
#include <nlohmann/json.hpp>
#include <vector>

#include "engine/util/http_transport.h"

namespace pd::harness {

class RecordingTransport : public HttpTransport {
 public:
  explicit RecordingTransport(const HttpTransport& network) : network_(network) {}
  Result<HttpResponse> send(const HttpRequest& request) const override;

  // The exchanges as fixture `fetch` mocks, in the order they happened. `real_secrets` are the
  // values used; `fixture_secrets` the fixture's stand-ins (same service/key layout).
  nlohmann::json mocks(const nlohmann::json& real_secrets, const nlohmann::json& fixture_secrets) const;

 private:
  struct Exchange {
    HttpRequest request;
    HttpResponse response;
  };
  const HttpTransport& network_;
  mutable std::mutex mutex_;
  mutable std::vector<Exchange> exchanges_;
};

}  // namespace pd::harness
