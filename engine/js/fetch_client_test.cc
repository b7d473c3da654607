#include "engine/js/fetch_client.h"

#include <gtest/gtest.h>

#include <map>
#include <mutex>

namespace pd::js {
namespace {

// Answers from a table and records what was sent.
class TableTransport : public HttpTransport {
 public:
  std::map<std::string, HttpResponse> responses;
  mutable std::vector<HttpRequest> sent;
  Result<HttpResponse> send(const HttpRequest& request) const override {
    sent.push_back(request);
    auto found = responses.find(request.url);
    if (found == responses.end()) return HttpResponse{404, "Not Found", {}, ""};
    return found->second;
  }
};

TEST(FetchWithRedirects, Follows303AsGetAndDropsCredentialsAcrossHosts) {
  TableTransport transport;
  transport.responses["https://a.dev/start"] = {303, "See Other", {{"Location", "https://b.dev/end"}}, ""};
  transport.responses["https://b.dev/end"] = {200, "OK", {}, "done"};
  HttpRequest request{.method = "POST",
                      .url = "https://a.dev/start",
                      .headers = {{"Authorization", "Bearer t"}, {"Content-Type", "text/plain"}},
                      .body = "x"};
  Result<FetchResult> result =
      fetch_with_redirects(transport, request, RedirectMode::kFollow, NetPolicy({"*.dev", "a.dev", "b.dev"}));
  ASSERT_TRUE(result.is_ok()) << result.status().message();
  EXPECT_EQ(result.value().response.body, "done");
  EXPECT_TRUE(result.value().redirected);
  EXPECT_EQ(result.value().url, "https://b.dev/end");
  ASSERT_EQ(transport.sent.size(), 2u);
  EXPECT_EQ(transport.sent[1].method, "GET");
  EXPECT_EQ(transport.sent[1].body, "");
  EXPECT_TRUE(transport.sent[1].headers.empty());
}

TEST(FetchWithRedirects, ChecksPermissionOnEveryHop) {
  TableTransport transport;
  transport.responses["https://a.dev/"] = {302, "Found", {{"Location", "https://evil.io/steal"}}, ""};
  Result<FetchResult> result = fetch_with_redirects(transport, {.url = "https://a.dev/"},
                                                    RedirectMode::kFollow, NetPolicy({"a.dev"}));
  ASSERT_FALSE(result.is_ok());
  EXPECT_EQ(result.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(transport.sent.size(), 1u);
}

TEST(FetchWithRedirects, ResolvesRelativeLocationsAndHonoursManualMode) {
  TableTransport transport;
  transport.responses["http://h:8080/a/b"] = {307, "Temporary Redirect", {{"Location", "c?x=1"}}, ""};
  transport.responses["http://h:8080/a/c?x=1"] = {200, "OK", {}, "relative"};
  NetPolicy policy({"h"});
  EXPECT_EQ(fetch_with_redirects(transport, {.url = "http://h:8080/a/b"}, RedirectMode::kFollow, policy)
                .value()
                .response.body,
            "relative");
  EXPECT_EQ(fetch_with_redirects(transport, {.url = "http://h:8080/a/b"}, RedirectMode::kManual, policy)
                .value()
                .response.status,
            307);
  EXPECT_FALSE(
      fetch_with_redirects(transport, {.url = "http://h:8080/a/b"}, RedirectMode::kError, policy).is_ok());
}

}  // namespace
}  // namespace pd::js
