#include "engine/util/http_transport.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <thread>

namespace pd {
namespace {

TEST(HttpUrl, SplitsHostPortAndTarget) {
  Result<HttpUrl> url = parse_http_url("https://API.Example.com:8443/a/b?x=1#frag");
  ASSERT_TRUE(url.is_ok()) << url.status().message();
  EXPECT_EQ(url.value().scheme, "https");
  EXPECT_EQ(url.value().host, "api.example.com");
  EXPECT_EQ(url.value().port, 8443);
  EXPECT_EQ(url.value().target, "/a/b?x=1");
  EXPECT_EQ(parse_http_url("http://[::1]/").value().authority(), "[::1]:80");
  EXPECT_EQ(parse_http_url("http://h?q").value().target, "/?q");
}

TEST(HttpUrl, RejectsOtherSchemesNamingTheUrl) {
  Result<HttpUrl> url = parse_http_url("ftp://x/");
  ASSERT_FALSE(url.is_ok());
  EXPECT_EQ(url.status().message(), "invalid URL \"ftp://x/\": only http and https are supported");
}

TEST(ProxySettings, HonoursNoProxySuffixesAndWildcard) {
  ProxySettings proxy = ProxySettings::from_env(
      {{"HTTPS_PROXY", "http://proxy:3128"}, {"no_proxy", "localhost, .internal,svc:443"}});
  EXPECT_EQ(proxy.proxy_for(parse_http_url("https://api.github.com/").value()),
            "http://proxy:3128");
  EXPECT_EQ(proxy.proxy_for(parse_http_url("https://a.internal/").value()), std::nullopt);
  EXPECT_EQ(proxy.proxy_for(parse_http_url("https://svc/").value()), std::nullopt);
  EXPECT_EQ(proxy.proxy_for(parse_http_url("http://api.github.com/").value()), std::nullopt);
  EXPECT_EQ(ProxySettings::from_env({{"HTTPS_PROXY", "http://p:1"}, {"NO_PROXY", "*"}})
                .proxy_for(parse_http_url("https://x/").value()),
            std::nullopt);
}

class LoopbackServer {
 public:
  LoopbackServer() {
    server_.Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
      res.set_header("X-Seen", req.get_header_value("X-Test"));
      res.set_content(req.body, "text/plain");
    });
    server_.Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(100000, 'x'), "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~LoopbackServer() {
    server_.stop();
    thread_.join();
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

TEST(NetworkHttpTransport, SendsMethodHeadersAndBody) {
  LoopbackServer server;
  NetworkHttpTransport transport;
  HttpRequest request{.method = "POST", .url = server.url("/echo"), .headers = {{"X-Test", "yes"}},
                      .body = "hello"};
  Result<HttpResponse> response = transport.send(request);
  ASSERT_TRUE(response.is_ok()) << response.status().message();
  EXPECT_EQ(response.value().status, 200);
  EXPECT_EQ(response.value().body, "hello");
  bool seen = false;
  for (const auto& [name, value] : response.value().headers) seen |= name == "X-Seen" && value == "yes";
  EXPECT_TRUE(seen);
}

TEST(NetworkHttpTransport, EnforcesTheResponseSizeLimit) {
  LoopbackServer server;
  NetworkHttpTransport transport;
  Result<HttpResponse> response =
      transport.send({.url = server.url("/big"), .max_response_bytes = 1000});
  ASSERT_FALSE(response.is_ok());
  EXPECT_EQ(response.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(response.status().message(), "error sending request for url (" + server.url("/big") +
                                             "): response body is larger than 1000 bytes");
}

TEST(NetworkHttpTransport, ReportsARefusedConnectionAsUnavailable) {
  std::string url;
  {
    LoopbackServer closed;
    url = closed.url("/");
  }
  Result<HttpResponse> response = NetworkHttpTransport().send({.url = url});
  ASSERT_FALSE(response.is_ok());
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(response.status().message(),
            "error sending request for url (" + url + "): connection refused or host unreachable");
}

}  // namespace
}  // namespace pd
