#include "fakes/k8s/access_control.h"

#include <gtest/gtest.h>

#include "fakes/k8s/object_service.h"

namespace pd::fake_k8s {
namespace {

using Json = nlohmann::json;

class RbacTest : public ::testing::Test {
 protected:
  RbacTest() {
    service_.create(type("", "namespaces"), "", {{"metadata", {{"name", "demo"}}}});
    service_.create(type("", "namespaces"), "", {{"metadata", {{"name", "other"}}}});
  }
  const ResourceType& type(const char* group, const char* plural) {
    return *catalog_.find(group, "v1", plural);
  }
  const ResourceType& rbac(const char* plural) { return type("rbac.authorization.k8s.io", plural); }
  bool allowed(const UserInfo& user, AccessAttributes a) {
    return authorizer_.authorize(user, a).allowed;
  }

  ResourceCatalog catalog_;
  ObjectStore store_;
  SystemClock clock_;
  ObjectService service_{catalog_, store_, clock_};
  RbacAuthorizer authorizer_{catalog_, store_};
  UserInfo bob_{"bob", {"devs", "system:authenticated"}};
  UserInfo bot_{"system:serviceaccount:demo:bot", {"system:serviceaccounts"}};
};

TEST_F(RbacTest, MastersMayDoAnything) {
  EXPECT_TRUE(allowed({"admin", {"system:masters"}}, {"delete", "", "nodes", "", "", "n1"}));
}

TEST_F(RbacTest, NothingIsAllowedWithoutABinding) {
  EXPECT_FALSE(allowed(bob_, {"get", "", "pods", "", "demo", "p"}));
}

TEST_F(RbacTest, RoleBindingGrantsOnlyInItsNamespace) {
  service_.create(rbac("roles"), "demo",
                  Json::parse(R"({"metadata":{"name":"reader"},"rules":[{"apiGroups":[""],
                    "resources":["pods","pods/log"],"verbs":["get","list"]}]})"));
  service_.create(
      rbac("rolebindings"), "demo",
      Json::parse(R"({"metadata":{"name":"rb"},"subjects":[{"kind":"Group","name":"devs"}],
                    "roleRef":{"kind":"Role","name":"reader","apiGroup":"rbac.authorization.k8s.io"}})"));
  EXPECT_TRUE(allowed(bob_, {"list", "", "pods", "", "demo", ""}));
  EXPECT_TRUE(allowed(bob_, {"get", "", "pods", "log", "demo", "p"}));
  EXPECT_FALSE(allowed(bob_, {"delete", "", "pods", "", "demo", "p"}));
  EXPECT_FALSE(allowed(bob_, {"list", "", "pods", "", "other", ""}));
  EXPECT_FALSE(allowed(bob_, {"list", "apps", "pods", "", "demo", ""}));
}

TEST_F(RbacTest, ClusterRoleBindingWithWildcardsAndResourceNames) {
  service_.create(rbac("clusterroles"), "",
                  Json::parse(R"({"metadata":{"name":"one-cm"},"rules":[{"apiGroups":["*"],
                    "resources":["configmaps"],"verbs":["*"],"resourceNames":["settings"]}]})"));
  service_.create(rbac("clusterrolebindings"), "",
                  Json::parse(R"({"metadata":{"name":"crb"},"subjects":[{"kind":"ServiceAccount",
                    "name":"bot","namespace":"demo"}],"roleRef":{"kind":"ClusterRole","name":"one-cm"}})"));
  AccessDecision decision =
      authorizer_.authorize(bot_, {"update", "", "configmaps", "", "other", "settings"});
  EXPECT_TRUE(decision.allowed);
  EXPECT_EQ(decision.reason,
            "RBAC: allowed by ClusterRoleBinding \"crb\" of ClusterRole \"one-cm\" to User "
            "\"system:serviceaccount:demo:bot\"");
  EXPECT_FALSE(allowed(bot_, {"update", "", "configmaps", "", "other", "secrets-ish"}));
  EXPECT_FALSE(allowed({"system:serviceaccount:other:bot", {}},
                       {"get", "", "configmaps", "", "other", "settings"}));
}

TEST_F(RbacTest, ForbiddenMessagesMatchTheRealServer) {
  EXPECT_EQ(forbidden_message(bob_, {"get", "", "pods", "", "demo", "p"}),
            "pods \"p\" is forbidden: User \"bob\" cannot get resource \"pods\" in API group \"\" "
            "in the namespace \"demo\"");
  EXPECT_EQ(forbidden_message(bob_, {"list", "", "nodes", "", "", ""}),
            "nodes is forbidden: User \"bob\" cannot list resource \"nodes\" in API group \"\" at "
            "the cluster scope");
  EXPECT_EQ(forbidden_message(bob_, {"list", "apps", "deployments", "", "demo", ""}),
            "deployments.apps is forbidden: User \"bob\" cannot list resource \"deployments\" in "
            "API group \"apps\" in the namespace \"demo\"");
  EXPECT_EQ(forbidden_message(bob_, {"get", "", "pods", "log", "demo", "p"}),
            "pods \"p\" is forbidden: User \"bob\" cannot get resource \"pods/log\" in API group "
            "\"\" in the namespace \"demo\"");
}

}  // namespace
}  // namespace pd::fake_k8s
