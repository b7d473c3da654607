#include "fakes/k8s/patches.h"

#include <gtest/gtest.h>

namespace pd::fake_k8s {
namespace {

using Json = nlohmann::json;

const Json kDeployment = Json::parse(R"({
  "metadata": {"name": "d", "labels": {"app": "d"}},
  "spec": {"replicas": 1, "template": {"spec": {"containers": [
    {"name": "engine", "image": "nginx:1.25", "env": [{"name": "A", "value": "1"}],
     "ports": [{"containerPort": 8080}]},
    {"name": "sidecar", "image": "busybox"}]}}}})");

TEST(StrategicMerge, MergesContainersByNameAndKeepsOthers) {
  Json patch = Json::parse(R"({"spec":{"template":{"spec":{"containers":[
    {"name":"engine","imagePullPolicy":"Never"}]}}}})");
  Json result = apply_patch(PatchType::kStrategic, kDeployment, patch).value();
  const Json& containers = result["spec"]["template"]["spec"]["containers"];
  ASSERT_EQ(containers.size(), 2u);
  EXPECT_EQ(containers[0]["imagePullPolicy"], "Never");
  EXPECT_EQ(containers[0]["image"], "nginx:1.25");
  EXPECT_EQ(containers[1]["name"], "sidecar");
}

TEST(StrategicMerge, NullDeletesAndSetElementOrderIsIgnored) {
  Json patch = Json::parse(R"({"spec":{"template":{"spec":{
    "$setElementOrder/containers":[{"name":"engine"},{"name":"sidecar"}],
    "containers":[{"env":null,"image":"nginx:1.26","name":"engine"}]}}}})");
  Json result = apply_patch(PatchType::kStrategic, kDeployment, patch).value();
  const Json& engine = result["spec"]["template"]["spec"]["containers"][0];
  EXPECT_FALSE(engine.contains("env"));
  EXPECT_EQ(engine["image"], "nginx:1.26");
  EXPECT_FALSE(result["spec"]["template"]["spec"].contains("$setElementOrder/containers"));
}

TEST(StrategicMerge, EnvMergesByNameAndPatchDeleteRemovesAnItem) {
  Json patch = Json::parse(R"({"spec":{"template":{"spec":{"containers":[
    {"name":"engine","env":[{"name":"B","value":"2"},{"name":"A","$patch":"delete"}]},
    {"name":"sidecar","$patch":"delete"}]}}}})");
  Json result = apply_patch(PatchType::kStrategic, kDeployment, patch).value();
  const Json& containers = result["spec"]["template"]["spec"]["containers"];
  ASSERT_EQ(containers.size(), 1u);
  EXPECT_EQ(containers[0]["env"], Json::parse(R"([{"name":"B","value":"2"}])"));
}

TEST(StrategicMerge, PatchReplaceReplacesAMap) {
  Json patch = Json::parse(R"({"metadata":{"labels":{"$patch":"replace","new":"x"}}})");
  Json result = apply_patch(PatchType::kStrategic, kDeployment, patch).value();
  EXPECT_EQ(result["metadata"]["labels"], Json::parse(R"({"new":"x"})"));
}

TEST(StrategicMerge, ListsWithoutMergeKeyAreReplaced) {
  Json target = Json::parse(R"({"spec":{"args":["a","b"]}})");
  Json result = strategic_merge(target, Json::parse(R"({"spec":{"args":["c"]}})"));
  EXPECT_EQ(result["spec"]["args"], Json::parse(R"(["c"])"));
}

TEST(MergePatch, FollowsRfc7386) {
  Json result = apply_patch(PatchType::kMerge, kDeployment,
                            Json::parse(R"({"metadata":{"labels":{"tier":"web","app":null}}})"))
                    .value();
  EXPECT_EQ(result["metadata"]["labels"], Json::parse(R"({"tier":"web"})"));
}

TEST(JsonPatch, FollowsRfc6902AndReportsFailures) {
  Json result = apply_patch(PatchType::kJson, kDeployment,
                            Json::parse(R"([{"op":"replace","path":"/spec/replicas","value":3}])"))
                    .value();
  EXPECT_EQ(result["spec"]["replicas"], 3);
  auto failed = apply_patch(PatchType::kJson, kDeployment,
                            Json::parse(R"([{"op":"replace","path":"/nope/x","value":3}])"));
  ASSERT_FALSE(failed.is_ok());
  EXPECT_EQ(failed.status().message().substr(0, 36), "the JSON patch could not be applied:");
}

TEST(PatchType, ComesFromTheContentType) {
  EXPECT_EQ(patch_type_from_content_type("application/json-patch+json"), PatchType::kJson);
  EXPECT_EQ(patch_type_from_content_type("application/merge-patch+json; charset=utf-8"),
            PatchType::kMerge);
  EXPECT_EQ(patch_type_from_content_type("application/strategic-merge-patch+json"),
            PatchType::kStrategic);
  EXPECT_EQ(patch_type_from_content_type("application/apply-patch+yaml"), PatchType::kApply);
  EXPECT_EQ(patch_type_from_content_type("text/plain"), std::nullopt);
}

}  // namespace
}  // namespace pd::fake_k8s
