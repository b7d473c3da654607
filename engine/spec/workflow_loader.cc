#include "engine/spec/workflow_loader.h"

#include "engine/spec/workflow_checks.h"
#include "engine/spec/workflow_parser.h"
#include "engine/util/file_io.h"

namespace pd::spec {

LoadedWorkflow load_workflow_text(std::string source, const std::filesystem::path& dir,
                                  const std::string& file) {
  LoadedWorkflow loaded{std::move(source), {}, std::nullopt, DiagnosticList(file)};
  loaded.workflow = parse_workflow(loaded.source, loaded.diagnostics);
  loaded.workflow.dir = dir;
  check_workflow_files(loaded.workflow, loaded.diagnostics);
  std::optional<Plan> plan = check_and_compile_graph(loaded.workflow, loaded.diagnostics);
  if (loaded.ok()) loaded.plan = std::move(plan);
  return loaded;
}

LoadedWorkflow load_workflow(const std::filesystem::path& path) {
  std::error_code ec;
  bool is_dir = std::filesystem::is_directory(path, ec);
  std::filesystem::path dir = is_dir ? path : path.parent_path();
  std::filesystem::path file = is_dir ? path / "workflow.yaml" : path;
  if (dir.empty()) dir = ".";
  std::string display = file.lexically_normal().string();
  Result<std::string> text = read_text_file(file);
  if (!text.is_ok()) {
    LoadedWorkflow failed{"", {}, std::nullopt, DiagnosticList(display)};
    std::string reason = text.status().code() == StatusCode::kNotFound
                             ? (is_dir ? "no workflow.yaml in this folder; is \"" + path.string() +
                                             "\" a workflow folder?"
                                       : "no such file or folder")
                             : text.status().message();
    failed.diagnostics.error({}, reason);
    return failed;
  }
  return load_workflow_text(std::move(text).value(), dir, display);
}

}  // namespace pd::spec
