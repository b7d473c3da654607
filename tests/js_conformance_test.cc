// Runs every tests/js/*.test.ts under the JS runtime (one test case each) against loopback HTTP
// and HTTPS servers (a throwaway CA the node must trust through Deno.createHttpClient).
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <thread>

#include "engine/js/runtime.h"
#include "engine/util/temp_dir.h"
#include "fakes/k8s/certificate_authority.h"

namespace pd::js {
namespace {

std::filesystem::path suite_dir() {
  const char* source = std::getenv("PD_SOURCE_DIR");
  return std::filesystem::path(source ? source : PD_SOURCE_DIR_FALLBACK) / "tests/js";
}

V8Platform& platform() {
  static V8Platform* instance = new V8Platform();  // never destroyed: V8 cannot re-initialize
  return *instance;
}

void add_routes(httplib::Server& server) {
  server.Get("/json", [](const httplib::Request& req, httplib::Response& res) {
    nlohmann::json body = {{"path", req.path},
                           {"query", req.params.empty() ? "" : "x=" + req.get_param_value("x")},
                           {"header", req.get_header_value("X-Test")}};
    res.set_content(body.dump(), "application/json");
  });
  server.Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(req.body, "text/plain");
  });
  server.Get("/redirect", [](const httplib::Request&, httplib::Response& res) {
    res.status = 302;
    res.set_header("Location", "/json");
  });
  server.Get("/slow", [](const httplib::Request&, httplib::Response& res) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    res.set_content("late", "text/plain");
  });
}

class Servers {
 public:
  Servers() {
    ca_ = fake_k8s::CertificateAuthority::create("pd-conformance-ca").value();
    fake_k8s::KeyPair pair = ca_->issue_server({"localhost"}, {"127.0.0.1"}).value();
    temp_ = std::make_unique<TempDir>("pd-js-tls");
    std::ofstream(temp_->path() / "cert.pem") << pair.cert_pem;
    std::ofstream(temp_->path() / "key.pem") << pair.key_pem;
    https_ = std::make_unique<httplib::SSLServer>((temp_->path() / "cert.pem").c_str(),
                                                  (temp_->path() / "key.pem").c_str());
    for (httplib::Server* server : {&http_, static_cast<httplib::Server*>(https_.get())}) {
      add_routes(*server);
      int port = server->bind_to_any_port("127.0.0.1");
      ports_.push_back(port);
      threads_.emplace_back([server] { server->listen_after_bind(); });
      while (!server->is_running()) std::this_thread::yield();
    }
  }
  ~Servers() {
    http_.stop();
    https_->stop();
    for (std::thread& t : threads_) t.join();
  }
  std::string http() const { return "http://127.0.0.1:" + std::to_string(ports_[0]); }
  std::string https() const { return "https://127.0.0.1:" + std::to_string(ports_[1]); }
  const std::string& ca() const { return ca_->ca_pem(); }

 private:
  std::unique_ptr<fake_k8s::CertificateAuthority> ca_;
  std::unique_ptr<TempDir> temp_;
  httplib::Server http_;
  std::unique_ptr<httplib::SSLServer> https_;
  std::vector<int> ports_;
  std::vector<std::thread> threads_;
};

std::vector<std::string> programs() {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator(suite_dir())) {
    std::string name = entry.path().filename().string();
    if (name.ends_with(".test.ts") || name.ends_with(".fail.ts")) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

class Conformance : public ::testing::TestWithParam<std::string> {};

// A `.fail.ts` program names the failure it must produce on its first line:
// `// expect-error: <StatusCode name> <message>`.
std::pair<std::string, std::string> expected_failure(const std::string& program) {
  std::ifstream in(suite_dir() / program);
  std::string line;
  std::getline(in, line);
  const std::string prefix = "// expect-error: ";
  if (!line.starts_with(prefix)) return {};
  std::string rest = line.substr(prefix.size());
  size_t space = rest.find(' ');
  return {rest.substr(0, space), rest.substr(space + 1)};
}

TEST_P(Conformance, ProgramPasses) {
  static Servers servers;
  TempDir scratch("pd-js-scratch");
  RuntimeOptions options;
  options.workflow_dir = suite_dir();
  options.scratch_dir = scratch.path();
  options.env = {{"PD_CONFORMANCE", "yes"}};
  options.default_net = NetPolicy({"127.0.0.1"});
  options.heap_limit_mb = 64;
  Runtime runtime(platform(), options);
  nlohmann::json input = {{"http", servers.http()},
                          {"https", servers.https()},
                          {"ca", servers.ca()},
                          {"scratch", std::filesystem::weakly_canonical(scratch.path()).string()}};
  if (GetParam().ends_with(".fail.ts")) {
    auto [code, message] = expected_failure(GetParam());
    auto timeout = code == "DeadlineExceeded" ? std::chrono::milliseconds(300)
                                              : std::chrono::milliseconds(20000);
    Result<NodeCall> result =
        runtime.call_node(GetParam(), nlohmann::json::object(), input, timeout);
    ASSERT_FALSE(result.is_ok());
    EXPECT_EQ(status_code_name(result.status().code()), code);
    EXPECT_EQ(result.status().message(), message);
    // The runtime is still usable afterwards.
    Result<NodeCall> after = runtime.call_node("typescript.test.ts", nlohmann::json::object(),
                                               input, std::chrono::seconds(20));
    ASSERT_TRUE(after.is_ok()) << after.status().message();
    return;
  }
  Result<NodeCall> result = runtime.call_node(GetParam(), nlohmann::json::object(), input,
                                              std::chrono::seconds(20));
  ASSERT_TRUE(result.is_ok()) << result.status().message();
  EXPECT_EQ(result.value().output, "ok");
  if (GetParam() == "console_format.test.ts") {
    ASSERT_EQ(result.value().console.size(), 1u);
    EXPECT_EQ(result.value().console[0].text, "list has 3 items { extra: true }");
  }
}

INSTANTIATE_TEST_SUITE_P(TestsJs, Conformance, ::testing::ValuesIn(programs()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.substr(0, info.param.find('.'));
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace pd::js
