#include "harness/harness_cli.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <thread>

#include "engine/cli/kube_target.h"
#include "engine/util/cpu_budget.h"
#include "engine/util/duration.h"
#include "engine/util/environment.h"
#include "harness/reporters.h"
#include "harness/test_runner.h"

namespace pd::harness {
namespace {

// As Deno keeps its compile cache under ~/.cache/deno.
std::filesystem::path default_cache_dir(const std::map<std::string, std::string>& env) {
  if (auto dir = env.find("PD_CACHE_DIR"); dir != env.end()) return dir->second;
  if (auto xdg = env.find("XDG_CACHE_HOME"); xdg != env.end() && !xdg->second.empty()) {
    return std::filesystem::path(xdg->second) / "pipedreamer";
  }
  if (auto home = env.find("HOME"); home != env.end() && !home->second.empty()) {
    return std::filesystem::path(home->second) / ".cache" / "pipedreamer";
  }
  return {};
}

}  // namespace

int run_harness_cli(js::V8Platform& platform, const std::vector<std::string>& args,
                    std::ostream& out, std::ostream& err) {
  // Each --out belongs to the --reporter before it: pair them before CLI11 sees the arguments.
  std::vector<std::pair<std::string, std::string>> reporters;
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    if ((args[i] == "--reporter" || args[i] == "--out") && i + 1 < args.size()) {
      if (args[i] == "--reporter") {
        reporters.push_back({args[++i], ""});
      } else if (reporters.empty()) {
        reporters.push_back({"console", args[++i]});
      } else {
        reporters.back().second = args[++i];
      }
      continue;
    }
    rest.push_back(args[i]);
  }
  CLI::App app("pd-harness: test Pipedreamer workflows with fixtures", "pd-harness");
  app.require_subcommand(1);
  TestOptions options;
  std::vector<std::string> paths;
  std::string timeout = "30s";
  CLI::App* test = app.add_subcommand("test", "Run node fixtures (tests/fixtures/<node>[.<case>].json) and pipeline fixtures (tests/pipeline[.<case>].json)");
  test->add_option("PATH", paths, "Workflow folders, folders above them, or <workflow>/<node>");
  // One worker per core by default: each has its own V8 isolate, and the report order is fixed.
  options.jobs = static_cast<int>(usable_cpus());  // a CI container's CPU limit, not the host's cores
  test->add_option("-j,--jobs", options.jobs, "Parallel workers (default: one per usable CPU; report order stays the same)");
  test->add_option("--filter", options.filter, "Only fixtures whose workflow/node.case matches");
  test->add_flag("--update", options.update, "Write actual outputs into fixtures' `expected`");
  test->add_flag("--pipeline", options.pipeline_only, "Only pipeline fixtures (tests/pipeline[.<case>].json)");
  test->add_flag("--live", options.live, "Real HTTP instead of the fixtures' fetch mocks (capabilities.net enforced)");
  test->add_flag("--fake-cluster", options.fake_cluster,
                 "With --live: fixtures' `k8s` get a fresh fake cluster instead of the kubeconfig's");
  test->add_flag("--record", options.record,
                 "Run with real HTTP once and write the exchanges into each fixture's `fetch` (secrets redacted)");
  std::string kubeconfig, kube_context;
  test->add_option("--kubeconfig", kubeconfig, "With --live: the kubeconfig for ctx.k8s");
  test->add_option("--context", kube_context, "With --live: the kubeconfig context for ctx.k8s");
  std::string cache_dir;
  test->add_option("--cache-dir", cache_dir,
                   "Where stripped TypeScript and V8 code caches persist between runs (default "
                   "$PD_CACHE_DIR, else $XDG_CACHE_HOME/pipedreamer or ~/.cache/pipedreamer; \"\" for memory only)");
  test->add_flag("--ci", options.ci, "CI mode (also CI=true): --update refuses, missing expectations fail");
  test->add_option("--timeout", timeout, "Per-fixture timeout (default 30s)");
  std::vector<std::string> reversed(rest.rbegin(), rest.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    out << (test->parsed() ? test->help("pd-harness") : app.help())
        << "\nReporters: --reporter console|junit|json|tap [--out FILE], several allowed.\n";
    return 0;
  } catch (const CLI::ParseError& e) {
    err << "error: " << e.what() << "\nSee 'pd-harness test --help'.\n";
    return 2;
  }
  for (const auto& [format, file] : reporters) {
    if (format != "console" && format != "junit" && format != "json" && format != "tap") {
      err << "error: unknown reporter \"" << format << "\" (console, junit, json, tap)\n";
      return 2;
    }
  }
  if (reporters.empty()) reporters.push_back({"console", ""});
  std::optional<Duration> parsed_timeout = parse_duration(timeout);
  if (!parsed_timeout) {
    err << "error: invalid --timeout \"" << timeout << "\"\n";
    return 2;
  }
  options.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(parsed_timeout->value);
  const char* ci = std::getenv("CI");
  options.ci = options.ci || (ci && std::string(ci) == "true");
  for (const std::string& p : paths) options.paths.push_back(p);
  const std::map<std::string, std::string> env = process_environment();
  options.cache_dir = test->count("--cache-dir") ? std::filesystem::path(cache_dir) : default_cache_dir(env);
  if (options.fake_cluster && !options.live) {
    err << "error: --fake-cluster only applies with --live (mocked runs always use a fake cluster)\n";
    return 2;
  }
  if (options.record && (options.update || options.ci)) {
    err << "error: --record writes fixtures: it cannot be combined with --update, and CI (CI=true or --ci) refuses it\n";
    return 2;
  }
  if (options.real_services() && !options.fake_cluster) {
    options.kube = engine::kube_target_from_kubeconfig(kubeconfig, kube_context, env, err);
  }
  Result<std::vector<CaseResult>> results = run_node_tests(platform, options);
  if (!results.is_ok()) {
    err << "error: " << results.status().message();
    if (!results.status().message().ends_with("\n")) err << "\n";
    return 1;
  }
  bool color = isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
  for (const auto& [format, file] : reporters) {
    std::string report = render_report(format, results.value(), color && file.empty());
    if (file.empty()) {
      out << report;
    } else {
      std::ofstream(file) << report;
    }
  }
  for (const CaseResult& r : results.value()) {
    if (r.outcome == Outcome::kFailed) return 1;
  }
  return 0;
}

}  // namespace pd::harness
