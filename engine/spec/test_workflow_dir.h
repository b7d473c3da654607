// Test helper: a temporary workflow folder that tests fill with workflow.yaml and node files,
// removed again when the test ends.
#pragma once

#include <filesystem>
#include <initializer_list>
#include <string>

#include "engine/spec/workflow_loader.h"
#include "engine/util/temp_dir.h"

namespace pd::spec::testing {

class TestWorkflowDir {
 public:
  TestWorkflowDir();
  ~TestWorkflowDir();
  TestWorkflowDir(const TestWorkflowDir&) = delete;
  TestWorkflowDir& operator=(const TestWorkflowDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Writes `content` to `relative` (creating folders).
  void write(const std::string& relative, const std::string& content) const;

  // Writes each file with a trivial node body, then loads `yaml` as "workflow.yaml".
  LoadedWorkflow load(const std::string& yaml,
                      std::initializer_list<std::string> node_files = {}) const;

 private:
  TempDir temp_;
  std::filesystem::path path_;
};

// Loads `yaml` after writing a trivial node file at every path in `node_files`; returns the
// formatted diagnostics ("" when there are none).
std::string diagnostics_for(const std::string& yaml,
                            std::initializer_list<std::string> node_files = {});

}  // namespace pd::spec::testing
