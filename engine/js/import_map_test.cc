#include "engine/js/import_map.h"

#include <gtest/gtest.h>

#include <fstream>

#include "engine/util/temp_dir.h"

namespace pd::js {
namespace {

class ImportMapTest : public ::testing::Test {
 protected:
  Result<ImportMap> load(const std::string& file, const std::string& json) {
    std::ofstream(dir_ / file) << json;
    return ImportMap::load(dir_, fs_);
  }
  TempDir temp_{"pd-imap"};
  std::filesystem::path dir_ = temp_.path();
  RealFileSystem fs_;
};

TEST_F(ImportMapTest, ExactAndPrefixKeysWithLongestPrefixWinning) {
  auto map = load("deno.json", R"({"imports": {"zod": "./vendor/zod/mod.ts",
    "std/": "./vendor/std/", "std/path/": "./vendor/path/"}})");
  ASSERT_TRUE(map.is_ok()) << map.status().message();
  EXPECT_EQ(map.value().resolve("zod", "nodes/a.ts"), "./vendor/zod/mod.ts");
  EXPECT_EQ(map.value().resolve("std/yaml/mod.ts", "nodes/a.ts"), "./vendor/std/yaml/mod.ts");
  EXPECT_EQ(map.value().resolve("std/path/mod.ts", "nodes/a.ts"), "./vendor/path/mod.ts");
  EXPECT_EQ(map.value().resolve("other", "nodes/a.ts"), std::nullopt);
}

TEST_F(ImportMapTest, ScopesApplyToFilesUnderThem) {
  auto map = load("import_map.json", R"({"imports": {"lib": "./lib/v2.ts"},
    "scopes": {"./nodes/legacy/": {"lib": "./lib/v1.ts"}}})");
  ASSERT_TRUE(map.is_ok()) << map.status().message();
  EXPECT_EQ(map.value().resolve("lib", "nodes/legacy/old.ts"), "./lib/v1.ts");
  EXPECT_EQ(map.value().resolve("lib", "nodes/new.ts"), "./lib/v2.ts");
}

TEST_F(ImportMapTest, DenoJsonCanNameASeparateImportMap) {
  std::ofstream(dir_ / "map.json") << R"({"imports": {"x": "./x.ts"}})";
  auto map = load("deno.json", R"({"importMap": "map.json"})");
  ASSERT_TRUE(map.is_ok()) << map.status().message();
  EXPECT_EQ(map.value().resolve("x", "nodes/a.ts"), "./x.ts");
}

TEST_F(ImportMapTest, MalformedEntriesNameTheFile) {
  EXPECT_EQ(load("deno.json", R"({"imports": {"x": 3}})").status().message(),
            "deno.json: `imports[\"x\"]` must be a string address");
  EXPECT_EQ(load("deno.json", "{not json").status().message(), "deno.json: not a JSON object");
}

TEST_F(ImportMapTest, NoFileMeansAnEmptyMap) {
  auto map = ImportMap::load(dir_, fs_);
  ASSERT_TRUE(map.is_ok());
  EXPECT_TRUE(map.value().empty());
}

}  // namespace
}  // namespace pd::js
