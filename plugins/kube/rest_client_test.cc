#include "plugins/kube/rest_client.h"

#include <gtest/gtest.h>

#include "fakes/k8s/fake_cluster.h"

namespace pd::kube {
namespace {

class RestClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = fake_k8s::FakeCluster::start({}, clock_);
    ASSERT_TRUE(started.is_ok()) << started.status().message();
    cluster_ = std::move(started).value();
  }
  std::unique_ptr<RestClient> client(const std::string& token = "") {
    RestConfig config;
    config.server = cluster_->url();
    config.ca_pem = cluster_->ca_pem();
    config.token = token.empty() ? cluster_->admin_token() : token;
    return RestClient::create(config, transport_, {.sleep = [this](std::chrono::milliseconds d) {
                                                     slept_.push_back(d);
                                                   }})
        .value();
  }
  SystemClock clock_;
  std::unique_ptr<fake_k8s::FakeCluster> cluster_;
  NetworkHttpTransport transport_;
  std::vector<std::chrono::milliseconds> slept_;
};

TEST_F(RestClientTest, ApiErrorsReadAsKubectlPrintsThem) {
  Result<nlohmann::json> missing = client()->get("/api/v1/namespaces/default/configmaps/nope");
  ASSERT_FALSE(missing.is_ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "Error from server (NotFound): configmaps \"nope\" not found");
  std::string nobody = cluster_->add_user("nobody", {});
  Result<nlohmann::json> denied = client(nobody)->get("/api/v1/namespaces/default/secrets");
  ASSERT_FALSE(denied.is_ok());
  EXPECT_EQ(denied.status().code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(denied.status().message().starts_with(
      "Error from server (Forbidden): secrets is forbidden: User \"nobody\" cannot list resource "
      "\"secrets\""))
      << denied.status().message();
  EXPECT_NE(denied.status().message().find("\nhint: "), std::string::npos);
}

TEST_F(RestClientTest, ServerSideApplyCreatesThenUpdates) {
  auto c = client();
  nlohmann::json cm = {{"apiVersion", "v1"},
                       {"kind", "ConfigMap"},
                       {"metadata", {{"name", "x"}, {"namespace", "default"}}},
                       {"data", {{"a", "1"}}}};
  ASSERT_TRUE(c->apply("/api/v1/namespaces/default/configmaps/x", cm, "kubectl-pd").is_ok());
  cm["data"]["a"] = "2";
  Result<nlohmann::json> updated = c->apply("/api/v1/namespaces/default/configmaps/x", cm, "kubectl-pd");
  ASSERT_TRUE(updated.is_ok()) << updated.status().message();
  EXPECT_EQ(updated.value()["data"]["a"], "2");
}

TEST_F(RestClientTest, RetriesIdempotentCallsOnServerErrorsOnly) {
  cluster_->faults().add({.verb = "get", .resource = "namespaces", .code = 503, .once = true});
  EXPECT_TRUE(client()->get("/api/v1/namespaces/default").is_ok());
  EXPECT_EQ(slept_, (std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(200)}));
  cluster_->faults().add({.verb = "create", .resource = "configmaps", .code = 500, .once = true});
  Result<nlohmann::json> created = client()->create(
      "/api/v1/namespaces/default/configmaps",
      {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "y"}}}});
  ASSERT_FALSE(created.is_ok());  // POST is not retried
  EXPECT_EQ(created.status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace pd::kube
