#include "engine/exec/runtime_config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "engine/util/temp_dir.h"

namespace pd::exec {
namespace {

// Publishes `files` into `mount` the way the kubelet updates a ConfigMap volume: a new
// timestamped folder, then the ..data link swapped to it.
void publish(const std::filesystem::path& mount, const std::string& version,
             const std::map<std::string, std::string>& files) {
  std::filesystem::path data = mount / ("..v" + version);
  std::filesystem::create_directories(data);
  for (const auto& [name, text] : files) {
    std::ofstream(data / name) << text;
    if (!std::filesystem::is_symlink(mount / name)) {
      std::filesystem::create_symlink(std::filesystem::path("..data") / name, mount / name);
    }
  }
  std::filesystem::remove(mount / "..data_tmp");
  std::filesystem::create_directory_symlink(data.filename(), mount / "..data_tmp");
  std::filesystem::rename(mount / "..data_tmp", mount / "..data");
}

TEST(RuntimeConfig, OverridesApplyInDocumentedOrder) {
  TempDir dir("pd-config");
  publish(dir.path(), "1",
          {{"a.yaml", "limits: {max: 5}\nregion: eu\n"},
           {"b.json", R"({"limits": {"min": 1}, "region": "us"})"},
           {"region", "ap\n"},
           {"retries", "3"}});
  RealFileSystem fs;
  SystemClock clock;
  RuntimeConfig config(nlohmann::json::parse(R"({"timeout": "30s", "limits": {"max": 9, "step": 2}})"),
                       dir.path(), fs, clock, std::chrono::milliseconds(0));
  Result<nlohmann::json> current = config.current();
  ASSERT_TRUE(current.is_ok()) << current.status().message();
  EXPECT_EQ(current.value(), nlohmann::json::parse(R"({
    "timeout": "30s", "limits": {"max": 5, "min": 1, "step": 2}, "region": "ap", "retries": 3
  })"));
}

TEST(RuntimeConfig, PicksUpANewlyPublishedVersion) {
  TempDir dir("pd-config");
  publish(dir.path(), "1", {{"greeting", "hello"}});
  RealFileSystem fs;
  ManualClock clock(std::chrono::system_clock::now());
  RuntimeConfig config(nlohmann::json::object(), dir.path(), fs, clock, std::chrono::seconds(1));
  EXPECT_EQ(config.current().value()["greeting"], "hello");
  publish(dir.path(), "2", {{"greeting", "bonjour!"}});
  EXPECT_EQ(config.current().value()["greeting"], "hello");  // checked at most once a second
  clock.advance(std::chrono::seconds(1));
  EXPECT_EQ(config.current().value()["greeting"], "bonjour!");
}

TEST(RuntimeConfig, AMissingFolderMeansNoOverrides) {
  RealFileSystem fs;
  SystemClock clock;
  RuntimeConfig config(nlohmann::json{{"a", 1}}, "/nonexistent/pd-config", fs, clock);
  EXPECT_EQ(config.current().value(), (nlohmann::json{{"a", 1}}));
}

}  // namespace
}  // namespace pd::exec
