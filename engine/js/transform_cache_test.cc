#include "engine/js/transform_cache.h"

#include <gtest/gtest.h>

#include <fstream>

#include "engine/util/temp_dir.h"

namespace pd::js {
namespace {

TEST(TransformCache, PersistsToItsFolderAcrossInstances) {
  TempDir dir("pd-cache");
  TransformCache(dir.path()).put("js", "abc", "code");
  EXPECT_EQ(TransformCache(dir.path()).get("js", "abc"), "code");
  EXPECT_EQ(TransformCache(dir.path()).get("v8", "abc"), std::nullopt);
}

TEST(TransformCache, AnUnwritableFolderFallsBackToMemory) {
  TempDir dir("pd-cache");
  std::ofstream(dir.path() / "file") << "x";  // a folder that cannot be made, even as root
  TransformCache cache(dir.path() / "file" / "sub");
  cache.put("js", "k", "v");
  EXPECT_EQ(cache.get("js", "k"), "v");
  EXPECT_FALSE(cache.persistent());
}

}  // namespace
}  // namespace pd::js
