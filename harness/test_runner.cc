#include "harness/test_runner.h"

#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

#include "engine/exec/data_files.h"
#include "engine/exec/node_context.h"
#include "engine/exec/workflow_runtime.h"
#include "engine/spec/workflow_discovery.h"
#include "engine/spec/workflow_loader.h"
#include "engine/util/clock.h"
#include "engine/util/random_source.h"
#include "harness/fixture.h"
#include "harness/fixture_setup.h"
#include "harness/json_diff.h"

namespace pd::harness {
namespace {

using Json = nlohmann::json;

// The transport a reused runtime sends through: the current fixture's. A request the node left
// running when it returned still reaches its own fixture's transport, which it keeps alive.
class SwitchableTransport : public HttpTransport {
 public:
  void use(std::shared_ptr<const FixtureSetup> setup) {
    std::lock_guard<std::mutex> lock(mutex_);
    current_ = std::move(setup);
  }
  Result<HttpResponse> send(const HttpRequest& request) const override {
    std::shared_ptr<const FixtureSetup> setup;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      setup = current_;
    }
    return setup->transport().send(request);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const FixtureSetup> current_;
};

// What one worker keeps between fixtures: a runtime per workflow for fixtures that need no
// environment, clock or seed of their own (each call still gets a fresh context).
struct WorkerState {
  SwitchableTransport transport;
  OutsideWorld world;
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
  std::set<std::string> node_names;  // pipelines: every node of the workflow
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

CaseResult start_result(const Job& job) {
  CaseResult result;
  result.workflow = job.workflow;
  result.name = job.fixture->display_name();
  result.file = std::filesystem::path(job.fixture->file).lexically_relative(job.dir).string();
  return result;
}

// With real services (--live, --record) only fixtures marked `live: true` are judged.
bool asserts(const TestOptions& options, const Fixture& fixture) {
  return !options.real_services() || fixture.live;
}

// Writes `value` into the fixture file under `key`, keeping the rest of the document.
void rewrite_fixture(const Fixture& fixture, const std::string& key, const Json& value) {
  Json document = fixture.document;
  document[key] = value;
  std::ofstream(fixture.file) << document.dump(2) << "\n";
}

// The checks every fixture kind shares once the run is over: `expected` (or the error wanted),
// --update, --record, unused mocks. `actual` is the output, or the error it ended with.
void judge(const Job& job, const TestOptions& options, const FixtureSetup& setup, const Result<Json>& actual,
           bool subset, CaseResult& result) {
  const Fixture& fixture = *job.fixture;
  bool live = options.real_services();
  if (live) result.output = actual.is_ok() ? actual.value() : Json(nullptr);
  bool assert = asserts(options, fixture);
  if (!fixture.expect_error.empty() && assert) {
    if (actual.is_ok()) {
      result.problems.push_back("expected an error matching " + Json(fixture.expect_error).dump() +
                                ", but " + (job.pipeline ? "the execution" : "the node") + " returned " +
                                actual.value().dump());
    } else if (!error_matches(fixture.expect_error, actual.status().message())) {
      result.problems.push_back("expected an error matching " + Json(fixture.expect_error).dump() +
                                ", got: " + actual.status().message());
    }
  } else if (!actual.is_ok()) {
    if (fixture.expect_error.empty()) result.problems.push_back(actual.status().message());
  } else if (!assert) {
    // --live without `live: true`: the output is shown, not judged.
  } else if (fixture.expected) {
    result.problems = json_differences(*fixture.expected, actual.value(), subset);
  } else if (options.ci) {
    result.problems.push_back(result.file + " has no `expected` (CI: record it with --update locally)");
  }
  if (options.update && actual.is_ok() && fixture.expect_error.empty() &&
      (!fixture.expected || !result.problems.empty())) {
    rewrite_fixture(fixture, "expected",
                    job.pipeline ? Json{{"success", actual.value()["success"]}, {"outputs", actual.value()["outputs"]}}
                                 : actual.value());
    result.problems.clear();
  }
  if (options.record) {
    Json mocks = setup.recorded_mocks();
    rewrite_fixture(fixture, "fetch", mocks);
    result.notes.push_back("recorded " + std::to_string(mocks.size()) + " exchange(s) into " + result.file);
  }
  if (!live) {
    for (const std::string& unused : setup.unused_mocks()) result.problems.push_back("unused mock: " + unused);
  }
}

void check_logs(const Fixture& fixture, const std::vector<js::ConsoleLine>& console, CaseResult& result) {
  for (const LogExpectation& expected : fixture.logs) {
    bool found = false;
    for (const js::ConsoleLine& line : console) {
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

CaseResult run_job(js::V8Platform& platform, const Job& job, const TestOptions& options,
                   const std::shared_ptr<js::TransformCache>& cache, WorkerState& worker) {
  if (!job.fixture) {
    CaseResult result;
    result.workflow = job.workflow;
    result.name = job.node;
    result.outcome = Outcome::kSkipped;
    result.problems.push_back("no fixture (tests/fixtures/" + job.node + ".json)");
    return result;
  }
  const Fixture& fixture = *job.fixture;
  CaseResult result = start_result(job);
  auto started = std::chrono::steady_clock::now();
  Result<std::unique_ptr<FixtureSetup>> prepared = FixtureSetup::prepare(fixture, job.dir, worker.world);
  if (!prepared.is_ok()) {
    result.outcome = Outcome::kFailed;
    result.problems.push_back(prepared.status().message());
    return result;
  }
  std::shared_ptr<FixtureSetup> shared_setup = std::move(prepared).value();
  FixtureSetup& setup = *shared_setup;
  js::RuntimeOptions runtime_options;
  runtime_options.workflow_dir = job.dir;
  runtime_options.env = setup.env();
  runtime_options.default_net = js::NetPolicy::allow_all();  // every request goes to the mocks
  runtime_options.transport = &setup.transport();
  runtime_options.manual_clock = setup.clock();
  runtime_options.random = setup.random();
  runtime_options.context_script = exec::node_context_script();
  runtime_options.transform_cache = cache;  // strip each file once for all fixtures
  runtime_options.file_system = setup.file_system();
  if (setup.file_system()) runtime_options.read_paths = setup.read_paths();
  runtime_options.module_overrides = fixture.modules;
  std::unique_ptr<js::Runtime> private_runtime;
  js::Runtime* runtime = nullptr;
  if (setup.needs_own_runtime()) {
    private_runtime = std::make_unique<js::Runtime>(platform, runtime_options);
    runtime = private_runtime.get();
  } else {
    std::unique_ptr<js::Runtime>& shared = worker.runtimes[job.dir];
    if (!shared) {
      runtime_options.transport = &worker.transport;
      shared = std::make_unique<js::Runtime>(platform, runtime_options);
    }
    worker.transport.use(shared_setup);
    runtime = shared.get();
  }
  exec::NodeContextData data;
  data.workflow = job.workflow;
  data.node = job.node;
  data.execution_id = "test";
  data.config = job.workflow_config;
  exec::deep_merge(data.config, fixture.config);
  data.secrets = setup.secrets();
  data.kube = setup.kube();
  // Live: the node's own capabilities.net apply, as in the engine.
  std::optional<js::NetPolicy> net;
  if (options.real_services()) net = js::NetPolicy(job.net);
  Result<js::NodeCall> call = runtime->call_node(job.node_path, exec::to_json(data), fixture.input,
                                                js::CallOptions{options.timeout, net, fixture.input_text});
  result.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  Result<Json> actual = call.is_ok() ? Result<Json>(call.value().output) : Result<Json>(call.status());
  judge(job, options, setup, actual, fixture.subset, result);
  if (call.is_ok()) {
    result.logs = call.value().console;
    if (!fixture.allow_leaks && (call.value().pending_timers > 0 || call.value().pending_operations > 0)) {
      result.problems.push_back(
          "the node returned while " + std::to_string(call.value().pending_timers) + " timer(s) and " +
          std::to_string(call.value().pending_operations) +
          " request(s) or other operation(s) were still pending: clear or await them (or set "
          "\"allowLeaks\": true in the fixture)");
    }
    if (asserts(options, fixture)) check_logs(fixture, call.value().console, result);
  }
  result.outcome = result.problems.empty() ? Outcome::kPassed : Outcome::kFailed;
  return result;
}

// A pipeline fixture: the real executor (stages, retries, timeouts) with the fixture's mocks,
// secrets and config; `expected` is matched as a subset of {success, outputs, errors}.
CaseResult run_pipeline_job(js::V8Platform& platform, const Job& job, const TestOptions& options,
                            const WorkerState& worker) {
  if (!job.fixture) {
    CaseResult result;
    result.workflow = job.workflow;
    result.name = "pipeline";
    result.outcome = Outcome::kSkipped;
    result.problems.push_back("no pipeline fixture (tests/pipeline.json)");
    return result;
  }
  const Fixture& fixture = *job.fixture;
  CaseResult result = start_result(job);
  auto started = std::chrono::steady_clock::now();
  Result<std::unique_ptr<FixtureSetup>> prepared =
      FixtureSetup::prepare(fixture, job.dir, worker.world, job.node_names);
  if (!prepared.is_ok()) {
    result.outcome = Outcome::kFailed;
    result.problems.push_back(prepared.status().message());
    return result;
  }
  FixtureSetup& setup = *prepared.value();
  exec::WorkflowRuntimeOptions runtime_options;
  runtime_options.workflow_dir = job.dir;
  runtime_options.mounted_secrets = job.dir / ".pd-harness-none";
  runtime_options.config_dir = job.dir / ".pd-harness-none";
  runtime_options.mode = js::ContextMode::kFreshPerCall;
  runtime_options.isolates = 1;
  runtime_options.cache_dir = options.cache_dir;
  runtime_options.env = setup.env();
  // Mocked, every request goes to the mocks; live, capabilities.net apply as in the engine.
  if (!options.real_services()) runtime_options.allow_net = {"*"};
  runtime_options.transport = &setup.transport();
  runtime_options.secrets_override = setup.secrets();
  runtime_options.config_overlay = fixture.config;
  runtime_options.module_overrides = fixture.modules;
  runtime_options.kube = setup.kube();
  for (const auto& [node, given] : fixture.nodes) {
    runtime_options.stubs[node] = {given.output, given.error, given.config, given.secrets};
  }
  runtime_options.manual_clock = setup.clock();
  runtime_options.random = setup.random();
  runtime_options.file_system = setup.file_system();
  for (const std::filesystem::path& root : setup.read_paths()) runtime_options.read_paths.push_back(root);
  Result<std::unique_ptr<exec::WorkflowRuntime>> runtime =
      exec::WorkflowRuntime::open(platform, runtime_options);
  if (!runtime.is_ok()) {
    result.outcome = Outcome::kFailed;
    result.problems.push_back(runtime.status().message());
    return result;
  }
  exec::ExecutionResult run = runtime.value()->execute_and_wait(
      {.input = fixture.input, .input_json = fixture.input_text, .execution_id = "test"});
  result.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  for (const exec::NodeLogLine& log : run.logs) {
    result.logs.push_back({log.line.level, "[" + log.node + "] " + log.line.text, log.line.record});
  }
  if (options.real_services()) {  // each node's time; the outputs follow in `output`
    for (const auto& [node, timing] : run.node_timings) {
      char line[160];
      std::snprintf(line, sizeof(line), "%s: %.1f ms, %d attempt(s)", node.c_str(),
                    timing.completed_ms - timing.started_ms, timing.attempts);
      result.notes.push_back(line);
    }
  }
  Json actual = {{"success", run.success}, {"outputs", run.outputs}, {"errors", run.errors}};
  Result<Json> outcome = actual;
  if (!run.success && (!fixture.expect_error.empty() || !fixture.expected)) {
    std::string failure = "the execution failed:";
    for (const auto& [node, message] : run.errors.items()) {
      failure += "\n" + node + ": " + (message.is_string() ? message.get<std::string>() : message.dump());
    }
    outcome = Status(StatusCode::kInternal, failure);
  }
  judge(job, options, setup, outcome, true, result);
  if (!run.success && outcome.is_ok() && !result.problems.empty()) {
    result.problems.push_back("the execution's errors: " + run.errors.dump());
  }
  std::vector<js::ConsoleLine> console;
  for (const exec::NodeLogLine& log : run.logs) console.push_back(log.line);
  if (asserts(options, fixture)) check_logs(fixture, console, result);
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
      if (options.pipeline_only) {
        return invalid_argument(path.string() + ": --pipeline runs whole workflows; give the workflow folder");
      }
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
        if (options.pipeline_only) break;
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
        if (options.pipeline_only && pipelines.value().empty() &&
            (!filtered || std::regex_search(wf.name + "/pipeline", filter))) {
          jobs.push_back(Job{wf.name, wf.dir, "", Json(wf.config.values), std::nullopt, "pipeline", true});
        }
        for (Fixture& fixture : pipelines.value()) {
          if (filtered && !std::regex_search(wf.name + "/" + fixture.display_name(), filter)) continue;
          Job job{wf.name, wf.dir, "", Json(wf.config.values), std::move(fixture), "pipeline", true};
          for (const spec::Node& node : wf.nodes) job.node_names.insert(node.name);
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
  auto cache = std::make_shared<js::TransformCache>(options.cache_dir);
  std::atomic<size_t> next{0};
  NetworkHttpTransport network;
  auto worker = [&] {
    WorkerState state;
    state.world = {options.live, options.record, options.fake_cluster, options.kube, &network};
    for (size_t i = next++; i < jobs.value().size(); i = next++) {
      const Job& job = jobs.value()[i];
      results[i] = job.pipeline ? run_pipeline_job(platform, job, options, state)
                                : run_job(platform, job, options, cache, state);
    }
  };
  std::vector<std::thread> threads;
  int workers = std::min<int>(std::max(1, options.jobs), static_cast<int>(jobs.value().size()));
  for (int i = 1; i < workers; ++i) threads.emplace_back(worker);
  worker();
  for (std::thread& t : threads) t.join();
  return results;
}

}  // namespace pd::harness
