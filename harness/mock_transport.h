// The HTTP a fixture's node sees: its `fetch` mocks, matched on method, URL (or service + path),
// headers and a JSON body subset, each with an optional `times`. Once a fixture declares mocks, an
// unmatched request fails naming the request and the nearest mock (as nock does). A fixture with
// no `fetch` keeps Pipedreamer's default: every request answers `{mock: true, service, path}`.
// Requests are recorded.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "engine/util/http_transport.h"
#include "harness/fixture.h"

namespace pd::harness {

struct RecordedRequest {
  std::string method;
  std::string url;
  nlohmann::json headers;
  std::string body;
};

class MockTransport : public HttpTransport {
 public:
  explicit MockTransport(std::optional<std::vector<FetchMock>> mocks) : mocks_(std::move(mocks)) {}
  Result<HttpResponse> send(const HttpRequest& request) const override;
  std::vector<RecordedRequest> requests() const;
  // Mocks declared with `times` that were not used up.
  std::vector<std::string> unused() const;

 private:
  mutable std::mutex mutex_;
  mutable std::optional<std::vector<FetchMock>> mocks_;
  mutable std::vector<int> used_;
  mutable std::vector<RecordedRequest> requests_;
};

// A pipeline fixture's per-node `fetch`: each request goes to the mocks of the node that made it
// (HttpRequest::caller, the node's name), or to `shared` for nodes without their own.
class CallerRoutedTransport : public HttpTransport {
 public:
  CallerRoutedTransport(std::map<std::string, const HttpTransport*> by_caller, const HttpTransport& shared)
      : by_caller_(std::move(by_caller)), shared_(shared) {}
  Result<HttpResponse> send(const HttpRequest& request) const override {
    auto own = by_caller_.find(request.caller);
    return own == by_caller_.end() ? shared_.send(request) : own->second->send(request);
  }

 private:
  std::map<std::string, const HttpTransport*> by_caller_;
  const HttpTransport& shared_;
};

}  // namespace pd::harness
