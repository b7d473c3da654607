#include "engine/spec/workflow_discovery.h"

#include <gtest/gtest.h>

#include "engine/spec/test_workflow_dir.h"

namespace pd::spec {
namespace {

using testing::TestWorkflowDir;

TEST(WorkflowDiscovery, FindsWorkflowFoldersBelowAFolderSorted) {
  TestWorkflowDir root;
  root.write("b/workflow.yaml", "");
  root.write("a/workflow.yaml", "");
  root.write("a/nested/workflow.yaml", "");  // inside a workflow: not a separate one
  root.write("group/c/workflow.yaml", "");
  root.write(".hidden/workflow.yaml", "");
  root.write("node_modules/x/workflow.yaml", "");
  auto found = find_workflow_dirs(root.path());
  ASSERT_TRUE(found.is_ok());
  EXPECT_EQ(found.value(), (std::vector<std::filesystem::path>{root.path() / "a", root.path() / "b",
                                                               root.path() / "group/c"}));
}

TEST(WorkflowDiscovery, AWorkflowFolderIsItself) {
  TestWorkflowDir root;
  root.write("workflow.yaml", "");
  EXPECT_EQ(find_workflow_dirs(root.path()).value(),
            std::vector<std::filesystem::path>{root.path()});
}

TEST(WorkflowDiscovery, NothingFoundIsNotFound) {
  TestWorkflowDir root;
  auto found = find_workflow_dirs(root.path());
  ASSERT_FALSE(found.is_ok());
  EXPECT_EQ(found.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(found.status().message(),
            root.path().string() + ": no workflow.yaml in this folder or below it");
  EXPECT_EQ(find_workflow_dirs(root.path() / "missing").status().message(),
            (root.path() / "missing").string() + ": no such file or folder");
}

}  // namespace
}  // namespace pd::spec
