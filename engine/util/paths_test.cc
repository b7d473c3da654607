#include "engine/util/paths.h"

#include <gtest/gtest.h>

namespace pd {
namespace {

TEST(Paths, ResolvesRelativePathsInsideTheRoot) {
  auto resolved = resolve_inside("/w", "./nodes/../nodes/a.ts");
  ASSERT_TRUE(resolved.is_ok());
  EXPECT_EQ(resolved.value(), std::filesystem::path("/w/nodes/a.ts"));
}

TEST(Paths, RejectsAbsoluteAndEscapingPaths) {
  EXPECT_EQ(resolve_inside("/w", "/etc/passwd").status().message(),
            "\"/etc/passwd\" is an absolute path; write it relative to the workflow folder");
  EXPECT_EQ(resolve_inside("/w", "a/../../b").status().message(),
            "\"a/../../b\" points outside the workflow folder");
  EXPECT_EQ(resolve_inside("/w", "..").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pd
