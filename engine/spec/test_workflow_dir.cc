#include "engine/spec/test_workflow_dir.h"

#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace pd::spec::testing {

TestWorkflowDir::TestWorkflowDir() : temp_("pd-spec"), path_(temp_.path()) {}

TestWorkflowDir::~TestWorkflowDir() = default;

void TestWorkflowDir::write(const std::string& relative, const std::string& content) const {
  std::filesystem::path file = path_ / relative;
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file) << content;
}

LoadedWorkflow TestWorkflowDir::load(const std::string& yaml,
                                     std::initializer_list<std::string> node_files) const {
  for (const std::string& file : node_files) {
    write(file, "export default async function run(ctx, input) { return input; }\n");
  }
  write("workflow.yaml", yaml);
  return load_workflow_text(yaml, path_, "workflow.yaml");
}

std::string diagnostics_for(const std::string& yaml,
                            std::initializer_list<std::string> node_files) {
  TestWorkflowDir dir;
  return dir.load(yaml, node_files).format_diagnostics();
}

}  // namespace pd::spec::testing
