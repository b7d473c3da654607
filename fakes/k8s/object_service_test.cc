#include "fakes/k8s/object_service.h"

#include <gtest/gtest.h>

namespace pd::fake_k8s {
namespace {

using Json = nlohmann::json;

class ObjectServiceTest : public ::testing::Test {
 protected:
  ObjectServiceTest() : clock_(std::chrono::system_clock::from_time_t(1'780'000'000)) {
    service_.create(ns_type(), "", {{"metadata", {{"name", "demo"}}}});
  }
  const ResourceType& type(const char* group, const char* plural) {
    return *catalog_.find(group, "v1", plural);
  }
  const ResourceType& ns_type() { return type("", "namespaces"); }
  const ResourceType& cm() { return type("", "configmaps"); }

  ResourceCatalog catalog_;
  ObjectStore store_;
  ManualClock clock_;
  ObjectService service_{catalog_, store_, clock_};
};

TEST_F(ObjectServiceTest, CreateSetsServerFieldsAndReturns201) {
  ApiResponse r =
      service_.create(cm(), "demo", {{"metadata", {{"name", "c"}}}, {"data", {{"a", "b"}}}});
  ASSERT_EQ(r.code, 201) << r.body.dump();
  EXPECT_EQ(r.body["kind"], "ConfigMap");
  EXPECT_EQ(r.body["apiVersion"], "v1");
  EXPECT_EQ(r.body["metadata"]["namespace"], "demo");
  EXPECT_EQ(r.body["metadata"]["creationTimestamp"], "2026-05-28T20:26:40Z");
  EXPECT_EQ(r.body["metadata"]["uid"].get<std::string>().size(), 36u);
  EXPECT_FALSE(r.body["metadata"]["resourceVersion"].get<std::string>().empty());
}

TEST_F(ObjectServiceTest, DuplicateCreateIsAlreadyExists) {
  service_.create(cm(), "demo", {{"metadata", {{"name", "c"}}}});
  ApiResponse r = service_.create(cm(), "demo", {{"metadata", {{"name", "c"}}}});
  EXPECT_EQ(r.code, 409);
  EXPECT_EQ(r.body["reason"], "AlreadyExists");
  EXPECT_EQ(r.body["message"], "configmaps \"c\" already exists");
}

TEST_F(ObjectServiceTest, CreateIntoMissingNamespaceIsNotFound) {
  ApiResponse r = service_.create(cm(), "nope", {{"metadata", {{"name", "c"}}}});
  EXPECT_EQ(r.code, 404);
  EXPECT_EQ(r.body["message"], "namespaces \"nope\" not found");
}

TEST_F(ObjectServiceTest, GenerateNameAddsASuffix) {
  ApiResponse r = service_.create(cm(), "demo", {{"metadata", {{"generateName", "run-"}}}});
  ASSERT_EQ(r.code, 201);
  std::string name = r.body["metadata"]["name"];
  EXPECT_EQ(name.substr(0, 4), "run-");
  EXPECT_EQ(name.size(), 9u);
}

TEST_F(ObjectServiceTest, InvalidNameIs422WithCauses) {
  ApiResponse r = service_.create(cm(), "demo", {{"metadata", {{"name", "Bad_Name"}}}});
  EXPECT_EQ(r.code, 422);
  EXPECT_EQ(r.body["reason"], "Invalid");
  EXPECT_EQ(r.body["details"]["causes"][0]["field"], "metadata.name");
  EXPECT_EQ(r.body["message"].get<std::string>().substr(0, 67),
            "ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad");
}

TEST_F(ObjectServiceTest, SecretStringDataIsFoldedAndTypeDefaulted) {
  ApiResponse r = service_.create(type("", "secrets"), "demo",
                                  {{"metadata", {{"name", "s"}}}, {"stringData", {{"a", "b"}}}});
  ASSERT_EQ(r.code, 201) << r.body.dump();
  EXPECT_EQ(r.body["data"]["a"], "Yg==");
  EXPECT_EQ(r.body["type"], "Opaque");
  EXPECT_FALSE(r.body.contains("stringData"));
}

TEST_F(ObjectServiceTest, ObjectsOverOneMebibyteAreRejected) {
  ApiResponse r = service_.create(
      cm(), "demo",
      {{"metadata", {{"name", "big"}}}, {"data", {{"a", std::string(1 << 20, 'x')}}}});
  EXPECT_EQ(r.code, 422);
  EXPECT_EQ(r.body["message"],
            "ConfigMap \"big\" is invalid: []: Too long: must have at most 1048576 bytes");
}

TEST_F(ObjectServiceTest, ImmutableConfigMapRejectsDataChangesButNotMetadata) {
  service_.create(cm(), "demo",
                  {{"metadata", {{"name", "code"}}}, {"data", {{"a", "1"}}}, {"immutable", true}});
  ApiResponse changed =
      service_.patch(cm(), "demo", "code", PatchType::kMerge, {{"data", {{"a", "2"}}}});
  EXPECT_EQ(changed.code, 422);
  EXPECT_EQ(changed.body["message"],
            "ConfigMap \"code\" is invalid: data: Forbidden: field is immutable when "
            "`immutable` is set");
  ApiResponse unset =
      service_.patch(cm(), "demo", "code", PatchType::kMerge, {{"immutable", false}});
  EXPECT_EQ(unset.code, 422);
  ApiResponse labelled = service_.patch(cm(), "demo", "code", PatchType::kMerge,
                                        {{"metadata", {{"labels", {{"x", "y"}}}}}});
  EXPECT_EQ(labelled.code, 200) << labelled.body.dump();
}

TEST_F(ObjectServiceTest, StaleResourceVersionIsAConflict) {
  ApiResponse created = service_.create(cm(), "demo", {{"metadata", {{"name", "c"}}}});
  Json stale = created.body;
  service_.patch(cm(), "demo", "c", PatchType::kMerge, {{"data", {{"a", "1"}}}});
  stale["data"] = {{"a", "2"}};
  ApiResponse r = service_.replace(cm(), "demo", "c", stale);
  EXPECT_EQ(r.code, 409);
  EXPECT_EQ(r.body["message"],
            "Operation cannot be fulfilled on configmaps \"c\": the object has been modified; "
            "please apply your changes to the latest version and try again");
}

TEST_F(ObjectServiceTest, NoOpPatchKeepsTheResourceVersion) {
  ApiResponse created = service_.create(cm(), "demo", {{"metadata", {{"name", "c"}}}});
  ApiResponse same = service_.patch(cm(), "demo", "c", PatchType::kMerge, Json::object());
  EXPECT_EQ(same.body["metadata"]["resourceVersion"], created.body["metadata"]["resourceVersion"]);
}

TEST_F(ObjectServiceTest, SpecChangesBumpGenerationAndStatusIsKept) {
  const ResourceType& deployments = type("apps", "deployments");
  Json d = Json::parse(R"({"metadata":{"name":"d"},"spec":{"replicas":1,"selector":{},
    "template":{}},"status":{"replicas":9}})");
  ApiResponse created = service_.create(deployments, "demo", d);
  ASSERT_EQ(created.code, 201) << created.body.dump();
  EXPECT_EQ(created.body["metadata"]["generation"], 1);
  ApiResponse scaled = service_.patch(deployments, "demo", "d", PatchType::kMerge,
                                      {{"spec", {{"replicas", 2}}}, {"status", {{"replicas", 5}}}});
  EXPECT_EQ(scaled.body["metadata"]["generation"], 2);
  EXPECT_EQ(scaled.body["status"], created.body["status"]);
  ApiResponse status = service_.patch(deployments, "demo", "d", PatchType::kMerge,
                                      {{"status", {{"replicas", 5}}}}, "status");
  EXPECT_EQ(status.body["status"]["replicas"], 5);
  EXPECT_EQ(status.body["metadata"]["generation"], 2);
}

TEST_F(ObjectServiceTest, ApplyPatchCreatesThenMerges) {
  ApiResponse created = service_.patch(cm(), "demo", "ssa", PatchType::kApply,
                                       {{"apiVersion", "v1"},
                                        {"kind", "ConfigMap"},
                                        {"metadata", {{"name", "ssa"}}},
                                        {"data", {{"a", "1"}}}});
  EXPECT_EQ(created.code, 201);
  ApiResponse merged =
      service_.patch(cm(), "demo", "ssa", PatchType::kApply, {{"data", {{"b", "2"}}}});
  EXPECT_EQ(merged.code, 200);
  EXPECT_EQ(merged.body["data"], Json::parse(R"({"a":"1","b":"2"})"));
}

TEST_F(ObjectServiceTest, ListsAreSortedFilteredAndPaged) {
  service_.create(ns_type(), "alpha", {{"metadata", {{"name", "alpha"}}}});
  for (const char* name : {"b", "a", "c"}) {
    service_.create(cm(), "demo", {{"metadata", {{"name", name}, {"labels", {{"x", name}}}}}});
  }
  service_.create(cm(), "alpha", {{"metadata", {{"name", "z"}}}});
  ApiResponse all = service_.list(cm(), "", {});
  std::vector<std::string> names;
  for (const Json& item : all.body["items"]) names.push_back(item["metadata"]["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"z", "a", "b", "c"}));
  EXPECT_EQ(all.body["kind"], "ConfigMapList");
  ApiResponse selected = service_.list(cm(), "demo", {"x in (a,c)", "", 0, ""});
  EXPECT_EQ(selected.body["items"].size(), 2u);
  ApiResponse page = service_.list(cm(), "demo", {"", "", 2, ""});
  ASSERT_EQ(page.body["items"].size(), 2u);
  std::string token = page.body["metadata"]["continue"];
  ApiResponse rest = service_.list(cm(), "demo", {"", "", 2, token});
  ASSERT_EQ(rest.body["items"].size(), 1u);
  EXPECT_EQ(rest.body["items"][0]["metadata"]["name"], "c");
}

TEST_F(ObjectServiceTest, DeletingANamespaceRemovesItsObjects) {
  service_.create(cm(), "demo", {{"metadata", {{"name", "c"}}}});
  EXPECT_EQ(service_.remove(ns_type(), "", "demo").code, 200);
  EXPECT_EQ(service_.get(cm(), "demo", "c").code, 404);
  EXPECT_EQ(service_.remove(ns_type(), "", "demo").body["message"],
            "namespaces \"demo\" not found");
}

}  // namespace
}  // namespace pd::fake_k8s
