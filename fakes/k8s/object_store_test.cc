#include "fakes/k8s/object_store.h"

#include <gtest/gtest.h>

#include "engine/util/temp_dir.h"
#include "fakes/k8s/state_directory.h"

namespace pd::fake_k8s {
namespace {

using Json = nlohmann::json;

Json named(const std::string& name) { return {{"metadata", {{"name", name}}}}; }

TEST(ObjectStore, ResourceVersionsAreGlobalAndMonotonic) {
  ResourceCatalog catalog;
  ObjectStore store;
  const ResourceType& cm = *catalog.find("", "v1", "configmaps");
  Json a = store.put(cm, "demo", "a", named("a"));
  Json b = store.put(cm, "demo", "b", named("b"));
  auto rv = [](const Json& o) {
    return std::stoull(o["metadata"]["resourceVersion"].get<std::string>());
  };
  EXPECT_LT(rv(a), rv(b));
  EXPECT_EQ(store.resource_version(), rv(b));
}

TEST(ObjectStore, WatchSeesEventsInOrderAfterTheGivenVersion) {
  ResourceCatalog catalog;
  ObjectStore store;
  const ResourceType& cm = *catalog.find("", "v1", "configmaps");
  store.put(cm, "demo", "a", named("a"));
  uint64_t since = store.resource_version();
  store.put(cm, "demo", "b", named("b"));
  store.put(cm, "demo", "a", named("a"));
  store.erase(cm, "demo", "b");
  auto events = store.wait_events(since, std::chrono::steady_clock::now(),
                                  [](const WatchEvent&) { return true; });
  ASSERT_TRUE(events.has_value());
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[0].type, EventType::kAdded);
  EXPECT_EQ((*events)[1].type, EventType::kModified);
  EXPECT_EQ((*events)[2].type, EventType::kDeleted);
  EXPECT_LT((*events)[0].resource_version, (*events)[2].resource_version);
}

TEST(ObjectStore, WatchFromACompactedVersionIsGone) {
  ResourceCatalog catalog;
  ObjectStore store(/*history_limit=*/2);
  const ResourceType& cm = *catalog.find("", "v1", "configmaps");
  uint64_t since = store.resource_version();
  for (const char* name : {"a", "b", "c", "d"}) store.put(cm, "demo", name, named(name));
  EXPECT_FALSE(store
                   .wait_events(since, std::chrono::steady_clock::now(),
                                [](const WatchEvent&) { return true; })
                   .has_value());
}

TEST(StateDirectory, RoundTripsObjectsAndVersions) {
  TempDir temp("pd-state");
  const std::filesystem::path& dir = temp.path();
  ResourceCatalog catalog;
  const ResourceType& cm = *catalog.find("", "v1", "configmaps");
  const ResourceType& ns = *catalog.find("", "v1", "namespaces");
  std::vector<std::string> errors;
  StateDirectory state(dir, [&](const std::string& e) { errors.push_back(e); });
  uint64_t version;
  {
    ObjectStore store;
    store.set_observer([&](const WatchEvent& event) { state.record(event); });
    store.put(ns, "", "demo", named("demo"));
    store.put(cm, "demo", "keep", named("keep"));
    store.put(cm, "demo", "gone", named("gone"));
    store.erase(cm, "demo", "gone");
    version = store.resource_version();
  }
  ObjectStore restored;
  ASSERT_TRUE(state.load(catalog, restored).is_ok());
  EXPECT_TRUE(restored.get(cm, "demo", "keep").has_value());
  EXPECT_FALSE(restored.get(cm, "demo", "gone").has_value());
  EXPECT_TRUE(restored.get(ns, "", "demo").has_value());
  EXPECT_EQ(restored.resource_version(), version);
  EXPECT_TRUE(errors.empty());
}

}  // namespace
}  // namespace pd::fake_k8s
