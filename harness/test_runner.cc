#include "harness/test_runner.h"

#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <thread>

#include "engine/exec/data_files.h"
#include "engine/exec/node_context.h"
#include "engine/exec/workflow_runtime.h"
#include "engine/spec/workflow_discovery.h"
#include "engine/spec/workflow_loader.h"
#include "engine/util/clock.h"
#include "engine/util/random_source.h"
#include "harness/fixture.h"
#include "harness/fixture_file_system.h"
#include "harness/json_diff.h"
#include "harness/mock_transport.h"

namespace pd::harness {
namespace {

using Json = nlohmann::json;

// The transport a reused runtime sends through: the current fixture's mocks.
class SwitchableTransport : public HttpTransport {
 public:
  void use(const HttpTransport* target) { target_ = target; }
  Result<HttpResponse> send(const HttpRequest& request) const override {
    return target_.load()->send(request);
  }

 private:
  std::atomic<const HttpTransport*> target_{nullptr};
};

// What one worker keeps between fixtures: a runtime per workflow for fixtures that need no
// environment, clock or seed of their own (each call still gets a fresh context).
struct WorkerState {
  SwitchableTransport transport;
  NetworkHttpTransport network;  // --live
  std::map<std::filesystem::path, std::unique_ptr<js::Runtime>> runtimes;
};

struct Job {
  std::string workflow;
  std::filesystem::path dir;
  std::string node_path;
  Json workflow_config;
  std::optional<Fixture> fixture;  // none: the node is skipped
  std::string node;
  bool pipeline = false;  // tests/pipeline[.<case>].json: the whole DAG through the executor
  std::vector<std::string> net;  // the node's capabilities.net (enforced under --live)
};

bool error_matches(const std::string& expected, const std::string& message) {
  if (expected.size() >= 2 && expected.front() == '/' && expected.back() == '/') {
    try {
      return std::regex_search(message, std::regex(expected.substr(1, expected.size() - 2)));
    } catch (const std::regex_error&) {
      return false;
    }
  }
  return message.find(expected) != std::string::npos;
}

// A fixture's `now` as a manual clock (none without `now`); false, with the problem recorded in
// `result`, when it is not an RFC 3339 time.
bool start_clock(const Fixture& fixture, CaseResult& result, std::optional<ManualClock>& clock) {
  if (fixture.now.empty()) return true;
  std::optional<std::chrono::system_clock::time_point> now = parse_rfc3339(fixture.now);
  if (!now) {
    result.outcome = Outcome::kFailed;
    result.problems.push_back(result.file + ": `now`: \"" + fixture.now + "\" is not an RFC 3339 time");
    return false;
  }
  clock.emplace(*now);
  return true;
}

CaseResult run_job(js::V8Platform& platform, const Job& job, const TestOptions& options,
                   const std::shared_ptr<js::TransformCache>& cache, WorkerState& worker) {
  CaseResult result;
  result.workflow = job.workflow;
  result.name = job.fixture ? job.fixture->display_name() : job.node;
  if (!job.fixture) {
    result.outcome = Outcome::kSkipped;
    result.problems.push_back("no fixture (tests/fixtures/" + job.node + ".json)");
    return result;
  }
  const Fixture& fixture = *job.fixture;
  result.file = std::filesystem::path(fixture.file).lexically_relative(job.dir).string();
  auto started = std::chrono::steady_clock::now();
  MockTransport transport(fixture.fetch);
  std::optional<ManualClock> clock;
  if (!start_clock(fixture, result, clock)) return result;
  std::optional<SeededRandom> random;
  if (fixture.random) random.emplace(*fixture.random);
  js::RuntimeOptions runtime_options;
  runtime_options.workflow_dir = job.dir;
  runtime_options.env = fixture.env;
  runtime_options.default_net = js::NetPolicy::allow_all();  // every request goes to the mocks
  runtime_options.transport = &transport;
  if (options.live) runtime_options.transport = &worker.network;  // real services
  runtime_options.manual_clock = clock ? &*clock : nullptr;
  runtime_options.random = random ? &*random : nullptr;
  runtime_options.context_script = exec::node_context_script();
  runtime_options.transform_cache = cache;  // strip each file once for all fixtures
  std::optional<FixtureFileSystem> files;
  if (!fixture.files.empty()) {
    files.emplace(fixture.files, std::filesystem::weakly_canonical(job.dir));
    runtime_options.file_system = &*files;
    runtime_options.read_paths = files->roots();
  }
  runtime_options.module_overrides = fixture.modules;
  bool own_runtime = !fixture.env.empty() || clock || random || files || !fixture.modules.empty();
  std::unique_ptr<js::Runtime> private_runtime;
  js::Runtime* runtime = nullptr;
  if (own_runtime) {
    private_runtime = std::make_unique<js::Runtime>(platform, runtime_options);
    runtime = private_runtime.get();
  } else {
    std::unique_ptr<js::Runtime>& shared = worker.runtimes[job.dir];
    if (!shared) {
      runtime_options.transport = &worker.transport;
      shared = std::make_unique<js::Runtime>(platform, runtime_options);
    }
    worker.transport.use(options.live ? static_cast<const HttpTransport*>(&worker.network) : &transport);
    runtime = shared.get();
  }
  exec::NodeContextData data;
  data.workflow = job.workflow;
  data.node = job.node;
  data.execution_id = "test";
  data.config = job.workflow_config;
  exec::deep_merge(data.config, fixture.config);
  data.secrets = fixture.secrets;
  // Live: the node's own capabilities.net apply, as in the engine.
  std::optional<js::NetPolicy> net;
  if (options.live) net = js::NetPolicy(job.net);
  Result<js::NodeCall> call = runtime->call_node(job.node_path, exec::to_json(data), fixture.input,
                                                js::CallOptions{options.timeout, net});
  result.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (call.is_ok()) result.logs = call.value().console;
  if (!fixture.expect_error.empty()) {
    if (call.is_ok()) {
      result.problems.push_back("expected an error matching " + Json(fixture.expect_error).dump() +
                                ", but the node returned " + call.value().output.dump());
    } else if (!error_matches(fixture.expect_error, call.status().message())) {
      result.problems.push_back("expected an error matching " + Json(fixture.expect_error).dump() +
                                ", got: " + call.status().message());
    }
  } else if (!call.is_ok()) {
    result.problems.push_back(call.status().message());
  } else if (fixture.expected) {
    result.problems = json_differences(*fixture.expected, call.value().output, fixture.subset);
  } else if (options.ci) {
    result.problems.push_back(result.file + " has no `expected` (CI: record it with --update locally)");
  }
  if (options.update && call.is_ok() && fixture.expect_error.empty() &&
      (!fixture.expected || !result.problems.empty())) {
    Json document = fixture.document;
    document["expected"] = call.value().output;
    std::ofstream(fixture.file) << document.dump(2) << "\n";
    result.problems.clear();
  }
  if (call.is_ok() && !fixture.allow_leaks &&
      (call.value().pending_timers > 0 || call.value().pending_operations > 0)) {
    result.problems.push_back(
        "the node returned while " + std::to_string(call.value().pending_timers) + " timer(s) and " +
        std::to_string(call.value().pending_operations) +
        " request(s) or other operation(s) were still pending: clear or await them (or set "
        "\"allowLeaks\": true in the fixture)");
  }
  if (call.is_ok()) {
    for (const LogExpectation& expected : fixture.logs) {
      bool found = false;
      for (const js::ConsoleLine& line : call.value().console) {
        found = found || ((expected.level.empty() || line.level == expected.level) &&
                          line.text.find(expected.message) != std::string::npos);
      }
      if (!found) {
        result.problems.push_back("expected a log line" +
                                  (expected.level.empty() ? "" : " at level " + expected.level) +
                                  " containing " + Json(expected.message).dump() + "; none was written");
      }
    }
  }
  if (!options.live) {
    for (const std::string& unused : transport.unused()) result.problems.push_back("unused mock: " + unused);
  }
  result.outcome = result.problems.empty() ? Outcome::kPassed : Outcome::kFailed;
  return result;
}

// A pipeline fixture: the real executor (stages, retries, timeouts) with the fixture's mocks,
// secrets and config; `expected` is matched as a subset of {success, outputs, errors}.
CaseResult run_pipeline_job(js::V8Platform& platform, const Job& job, const TestOptions& options) {
  const Fixture& fixture = *job.fixture;
  CaseResult result;
  result.workflow = job.workflow;
  result.name = fixture.display_name();
  result.file = std::filesystem::path(fixture.file).lexically_relative(job.dir).string();
  auto started = std::chrono::steady_clock::now();
  MockTransport transport(fixture.fetch);
  exec::WorkflowRuntimeOptions runtime_options;
  runtime_options.workflow_dir = job.dir;
  runtime_options.mounted_secrets = job.dir / ".pd-harness-none";
  runtime_options.config_dir = job.dir / ".pd-harness-none";
  runtime_options.mode = js::ContextMode::kFreshPerCall;
  runtime_options.isolates = 1;
  runtime_options.env = fixture.env;
  runtime_options.allow_net = {"*"};  // every request goes to the mocks
  runtime_options.transport = &transport;
  NetworkHttpTransport network;
  if (options.live) {
    runtime_options.allow_net = {};  // capabilities.net apply, as in the engine
    runtime_options.transport = &network;
  }
  runtime_options.secrets_override = fixture.secrets;
  runtime_options.config_overlay = fixture.config;
  runtime_options.module_overrides = fixture.modules;
  for (const auto& [node, stub] : fixture.node_stubs) runtime_options.stubs[node] = {stub.first, stub.second};
  std::optional<ManualClock> clock;
  if (!start_clock(fixture, result, clock)) return result;
  runtime_options.manual_clock = clock ? &*clock : nullptr;
  std::optional<SeededRandom> random;
  if (fixture.random) random.emplace(*fixture.random);
  runtime_options.random = random ? &*random : nullptr;
  std::optional<FixtureFileSystem> files;
  if (!fixture.files.empty()) {
    files.emplace(fixture.files, std::filesystem::weakly_canonical(job.dir));
    runtime_options.file_system = &*files;
    for (const std::filesystem::path& root : files->roots()) runtime_options.read_paths.push_back(root);
  }
  Result<std::unique_ptr<exec::WorkflowRuntime>> runtime =
      exec::WorkflowRuntime::open(platform, runtime_options);
  if (!runtime.is_ok()) {
    result.outcome = Outcome::kFailed;
    result.problems.push_back(runtime.status().message());
    return result;
  }
  exec::ExecutionResult run = runtime.value()->execute_and_wait(fixture.input, "test");
  result.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  for (const exec::NodeLogLine& log : run.logs) {
    result.logs.push_back({log.line.level, "[" + log.node + "] " + log.line.text, log.line.record});
  }
  Json actual = {{"success", run.success}, {"outputs", run.outputs}, {"errors", run.errors}};
  if (fixture.expected) {
    result.problems = json_differences(*fixture.expected, actual, true);
  } else if (options.ci) {
    result.problems.push_back(result.file + " has no `expected` (CI: record it with --update locally)");
  } else if (!run.success) {
    result.problems.push_back("the execution failed: " + run.errors.dump());
  }
  if (!options.live) {
    for (const std::string& unused : transport.unused()) result.problems.push_back("unused mock: " + unused);
  }
  result.outcome = result.problems.empty() ? Outcome::kPassed : Outcome::kFailed;
  return result;
}

Result<std::vector<Job>> collect_jobs(const TestOptions& options) {
  std::vector<Job> jobs;
  std::regex filter;
  bool filtered = !options.filter.empty();
  if (filtered) {
    try {
      filter = std::regex(options.filter);
    } catch (const std::regex_error& e) {
      return invalid_argument("--filter: not a valid regular expression: " + std::string(e.what()));
    }
  }
  std::vector<std::filesystem::path> paths = options.paths;
  if (paths.empty()) paths.push_back(".");
  for (const std::filesystem::path& path : paths) {
    std::string only_node;
    std::vector<std::filesystem::path> dirs;
    if (!std::filesystem::exists(path) && std::filesystem::exists(path.parent_path() / "workflow.yaml")) {
      only_node = path.filename().string();
      dirs.push_back(path.parent_path());
    } else {
      Result<std::vector<std::filesystem::path>> found = spec::find_workflow_dirs(path);
      if (!found.is_ok()) return found.status();
      dirs = found.value();
    }
    for (const std::filesystem::path& dir : dirs) {
      spec::LoadedWorkflow loaded = spec::load_workflow(dir);
      if (!loaded.ok()) return invalid_argument(loaded.format_diagnostics());
      const spec::Workflow& wf = loaded.workflow;
      bool node_found = only_node.empty();
      for (const spec::Node& node : wf.nodes) {
        if (!only_node.empty() && node.name != only_node) continue;
        node_found = true;
        Result<std::vector<Fixture>> fixtures = load_node_fixtures(wf.dir / "tests" / "fixtures", node.name);
        if (!fixtures.is_ok()) return fixtures.status();
        Job base{wf.name, wf.dir, node.path, Json(wf.config.values), std::nullopt, node.name};
        if (auto net = node.capabilities.find("net"); net != node.capabilities.end()) base.net = net->second;
        if (fixtures.value().empty()) {
          if (!filtered || std::regex_search(wf.name + "/" + node.name, filter)) jobs.push_back(base);
          continue;
        }
        for (Fixture& fixture : fixtures.value()) {
          if (filtered && !std::regex_search(wf.name + "/" + fixture.display_name(), filter)) continue;
          Job job = base;
          job.fixture = std::move(fixture);
          jobs.push_back(std::move(job));
        }
      }
      if (only_node.empty()) {
        Result<std::vector<Fixture>> pipelines = load_node_fixtures(wf.dir / "tests", "pipeline");
        if (!pipelines.is_ok()) return pipelines.status();
        for (Fixture& fixture : pipelines.value()) {
          if (filtered && !std::regex_search(wf.name + "/" + fixture.display_name(), filter)) continue;
          Job job{wf.name, wf.dir, "", Json(wf.config.values), std::move(fixture), "pipeline", true};
          jobs.push_back(std::move(job));
        }
      }
      if (!node_found) {
        return invalid_argument(path.string() + ": workflow \"" + wf.name + "\" has no node \"" + only_node + "\"");
      }
    }
  }
  return jobs;
}

}  // namespace

Result<std::vector<CaseResult>> run_node_tests(js::V8Platform& platform, const TestOptions& options) {
  if (options.update && options.ci) {
    return invalid_argument("--update refuses to write fixtures under CI (CI=true or --ci)");
  }
  Result<std::vector<Job>> jobs = collect_jobs(options);
  if (!jobs.is_ok()) return jobs.status();
  std::vector<CaseResult> results(jobs.value().size());
  auto cache = std::make_shared<js::TransformCache>();
  std::atomic<size_t> next{0};
  auto worker = [&] {
    WorkerState state;
    for (size_t i = next++; i < jobs.value().size(); i = next++) {
      const Job& job = jobs.value()[i];
      results[i] = job.pipeline ? run_pipeline_job(platform, job, options)
                                : run_job(platform, job, options, cache, state);
    }
  };
  std::vector<std::thread> threads;
  for (int i = 1; i < std::max(1, options.jobs); ++i) threads.emplace_back(worker);
  worker();
  for (std::thread& t : threads) t.join();
  return results;
}

}  // namespace pd::harness
