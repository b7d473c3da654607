#include "engine/exec/dag_executor.h"

#include <algorithm>
#include <cstdio>
#include <future>
#include <mutex>

#include "engine/util/duration.h"
#include "engine/util/json_text.h"
#include "engine/util/random_source.h"

namespace pd::exec {
namespace {

double epoch_ms(std::chrono::system_clock::time_point t) {
  return static_cast<double>(
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count());
}

using Settings = ExecutionEnvironment::Settings;

// Compact JSON; text that is not UTF-8 becomes U+FFFD instead of throwing.
std::string json_text_of(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<Settings> settings_from(const nlohmann::json& config) {
  Settings out;
  if (config.contains("timeout") && !config["timeout"].is_null()) {
    const nlohmann::json& value = config["timeout"];
    std::optional<Duration> parsed =
        value.is_string() ? parse_duration(value.get<std::string>()) : std::nullopt;
    if (value.is_number()) {
      out.timeout = std::chrono::milliseconds(static_cast<long long>(value.get<double>() * 1000));
    } else if (parsed) {
      out.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(parsed->value);
    } else {
      return invalid_argument("config.timeout: " + value.dump() +
                              " is not a duration (e.g. \"30s\", \"2m\")");
    }
  }
  if (config.contains("retries") && !config["retries"].is_null()) {
    const nlohmann::json& value = config["retries"];
    if (!value.is_number_integer() || value.get<int>() < 0) {
      return invalid_argument("config.retries: " + value.dump() + " is not a whole number >= 0");
    }
    out.retries = value.get<int>();
  }
  if (config.contains("scheduling")) {
    const nlohmann::json& value = config["scheduling"];
    if (value != "stage" && value != "eager") {
      return invalid_argument("config.scheduling: " + value.dump() +
                              " is not \"stage\" or \"eager\"");
    }
    out.eager = value == "eager";
  }
  return out;
}

}  // namespace

std::shared_ptr<const ExecutionEnvironment> make_execution_environment(
    const std::string& workflow, nlohmann::json config, nlohmann::json secrets,
    const std::optional<KubeTarget>& kube, SecretRedactor redactor) {
  auto env = std::make_shared<ExecutionEnvironment>();
  env->config = std::move(config);
  env->secrets = std::move(secrets);
  env->redactor = std::move(redactor);
  if (Result<Settings> settings = settings_from(env->config); settings.is_ok()) {
    env->settings = settings.value();
  } else {
    env->settings_error = settings.status().message();
  }
  NodeContextData data;
  data.workflow = workflow;
  data.config = env->config;
  data.secrets = env->secrets;
  const nlohmann::json& service_hosts =
      env->config.contains("service_hosts") ? env->config["service_hosts"] : nlohmann::json();
  if (service_hosts.is_object()) {
    for (const auto& [service, hosts] : service_hosts.items()) {
      for (const auto& host : hosts) {
        if (host.is_string()) data.service_hosts[service].push_back(host.get<std::string>());
      }
    }
  }
  data.kube = kube;
  env->context_members = environment_context_json(data);
  return env;
}

std::string new_execution_id() {
  SystemRandom random;
  return random_uuid(random);
}

// One writer for the document: the tree is the text, parsed.
nlohmann::json ExecutionResult::to_json() const { return nlohmann::json::parse(to_json_text()); }

std::string ExecutionResult::to_json_text() const {
  auto ms = [](double value) { return std::to_string(static_cast<int64_t>(value)); };
  std::string compact = "{\"executionId\":";
  append_json_string(compact, execution_id);
  compact += std::string(",\"success\":") + (success ? "true" : "false") + ",\"outputs\":{";
  // Both are sorted by node name; a node in both is written from its text.
  auto value = outputs.begin();
  auto text = output_texts.begin();
  bool first = true;
  while (value != outputs.end() || text != output_texts.end()) {
    bool from_text =
        text != output_texts.end() && (value == outputs.end() || text->first <= value.key());
    const std::string& node = from_text ? text->first : value.key();
    if (!first) compact += ',';
    append_json_string(compact, node);
    compact += ':';
    compact += from_text ? text->second : json_text_of(*value);
    first = false;
    if (from_text && value != outputs.end() && value.key() == node) ++value;
    if (from_text) {
      ++text;
    } else {
      ++value;
    }
  }
  compact += "},\"errors\":" + json_text_of(errors) +
             ",\"timing\":{\"startedAt\":" + ms(started_ms) +
             ",\"completedAt\":" + ms(completed_ms) +
             ",\"durationMs\":" + ms(completed_ms - started_ms) + ",\"nodeTimings\":{";
  first = true;
  for (const auto& [node, t] : node_timings) {
    if (!first) compact += ',';
    append_json_string(compact, node);
    compact += ":{\"startedAt\":" + ms(t.started_ms) + ",\"completedAt\":" + ms(t.completed_ms) +
               ",\"durationMs\":" + ms(t.completed_ms - t.started_ms) +
               ",\"attempts\":" + std::to_string(t.attempts) + "}";
    first = false;
  }
  compact += "}}}";
  std::string out;
  out.reserve(compact.size() * 2);
  append_pretty_json(out, compact);
  return out;
}

struct DagExecutor::Execution {
  std::mutex mutex;
  ExecutionRequest request;
  std::shared_ptr<const ExecutionEnvironment> env;  // its config, settings, redactor
  ExecutionResult result;
  std::function<void(ExecutionResult)> done;
  std::shared_ptr<const std::string> environment_ctx;  // env's context_members
  std::shared_ptr<const std::string> trigger;          // request.trigger_json; null: none
  // Each succeeded node's output as the JSON text its downstream nodes get: as the node wrote
  // it, secrets and all, as the old engine passed outputs on. `in_result`: the node wrote this
  // text and it holds no secret, so the result shows it too (outputs without their node's text,
  // such as stubs and `undefined`, are in ExecutionResult::outputs instead).
  struct Handoff {
    std::string text;
    bool known = false;  // the node succeeded
    bool in_result = false;
  };
  // By node index (DagExecutor::nodes_); the timings go into the result at the end, for the
  // nodes that started.
  std::vector<Handoff> handoffs;
  std::vector<NodeTiming> timings;
  std::vector<size_t> waiting_on;  // eager: upstream nodes not yet succeeded
  std::vector<char> started;
  std::vector<char> side_by_side;  // started together with others (spread, not pinned)
  // The isolate its nodes go to (NodeInvocation::lane): the request's, else the one its first
  // finished node ran on.
  int lane = -1;
  size_t stage = 0;
  size_t running = 0;  // nodes started and not finished
  bool failed = false;
  bool finished = false;
};

DagExecutor::DagExecutor(const spec::Workflow& workflow, const spec::Plan& plan, NodeRunner& runner,
                         DelayScheduler& delays, const Clock& clock, ExecutorOptions options)
    : workflow_(workflow),
      runner_(runner),
      delays_(delays),
      clock_(clock),
      options_(std::move(options)) {
  std::map<std::string, size_t> index;
  for (const std::string& name : plan.node_order) {
    index[name] = nodes_.size();
    nodes_.push_back({name, nullptr, {}, {}, {}});
  }
  for (const spec::Node& node : workflow_.nodes) {
    auto found = index.find(node.name);
    if (found == index.end()) continue;
    PlannedNode& planned = nodes_[found->second];
    planned.spec = &node;
    auto net = node.capabilities.find("net");
    if (net != node.capabilities.end()) planned.net = net->second;
    planned.net.insert(planned.net.end(), options_.allow_net.begin(), options_.allow_net.end());
  }
  for (const auto& [name, from] : plan.upstream) {
    for (const std::string& up : from) nodes_[index.at(name)].upstream.push_back(index.at(up));
  }
  // In edge order, each once, as plan.upstream counts them.
  for (const spec::Edge& edge : workflow_.edges) {
    std::vector<size_t>& down = nodes_[index.at(edge.from)].downstream;
    size_t to = index.at(edge.to);
    if (std::find(down.begin(), down.end(), to) == down.end()) down.push_back(to);
  }
  for (const std::vector<std::string>& stage : plan.stages) {
    std::vector<size_t>& out = stages_.emplace_back();
    for (const std::string& name : stage) out.push_back(index.at(name));
  }
}

void DagExecutor::execute(ExecutionRequest request, std::function<void(ExecutionResult)> done) {
  auto run = std::make_shared<Execution>();
  if (request.execution_id.empty()) request.execution_id = random_uuid(execution_ids_);
  if (request.input.is_null()) request.input = nlohmann::json::object();
  run->result.execution_id = request.execution_id;
  run->result.started_ms = epoch_ms(clock_.now());
  if (!request.environment) {
    // Null members (an ExecutionRequest made without them) are empty objects.
    if (request.config.is_null()) request.config = nlohmann::json::object();
    if (request.secrets.is_null()) request.secrets = nlohmann::json::object();
    request.environment =
        make_execution_environment(workflow_.name, request.config, request.secrets, request.kube,
                                   SecretRedactor(request.secrets));
  }
  run->env = std::move(request.environment);
  run->done = std::move(done);
  run->lane = request.lane;
  run->request = std::move(request);
  if (!run->env->settings_error.empty()) {
    run->result.errors["config"] = run->env->settings_error;
    run->result.completed_ms = epoch_ms(clock_.now());
    run->done(std::move(run->result));
    return;
  }
  if (!run->request.trigger_json.empty()) {
    run->trigger = std::make_shared<const std::string>(std::move(run->request.trigger_json));
  }
  // Shares env's ownership: the runtime knows the text by its address between executions.
  run->environment_ctx = std::shared_ptr<const std::string>(run->env, &run->env->context_members);
  size_t count = nodes_.size();
  run->handoffs.resize(count);
  run->timings.resize(count);
  run->started.assign(count, 0);
  run->side_by_side.assign(count, 0);
  std::vector<size_t> first;
  {
    std::lock_guard<std::mutex> lock(run->mutex);
    if (run->env->settings.eager) {
      run->waiting_on.resize(count);
      for (size_t node = 0; node < count; ++node) {
        run->waiting_on[node] = nodes_[node].upstream.size();
        if (run->waiting_on[node] == 0) first.push_back(node);
      }
    } else if (!stages_.empty()) {
      first = stages_[0];
    }
    mark_started(*run, first);
  }
  if (first.empty()) {
    run->result.success = true;
    run->result.completed_ms = epoch_ms(clock_.now());
    run->done(std::move(run->result));
    return;
  }
  for (size_t node : first) start_node(run, node);
}

void DagExecutor::mark_started(Execution& run, const std::vector<size_t>& nodes) {
  for (size_t node : nodes) {
    run.started[node] = 1;
    if (nodes.size() > 1) run.side_by_side[node] = 1;
  }
  run.running += nodes.size();
}

void DagExecutor::start_node(const std::shared_ptr<Execution>& run, size_t node) {
  {
    std::lock_guard<std::mutex> lock(run->mutex);
    run->timings[node].started_ms = epoch_ms(clock_.now());
  }
  attempt(run, node, 0);
}

void DagExecutor::attempt(const std::shared_ptr<Execution>& run, size_t node, int attempt_index) {
  const PlannedNode& planned = nodes_[node];
  NodeInvocation invocation;
  invocation.node = planned.name;
  invocation.path = planned.spec->path;
  invocation.timeout = run->env->settings.timeout;
  invocation.net = planned.net;
  // keep_output parses only the outputs whose text may show a secret.
  invocation.output_text_only = options_.outputs_as_text;
  {
    std::lock_guard<std::mutex> lock(run->mutex);
    run->timings[node].attempts = attempt_index + 1;
    set_input(*run, node, invocation);
    invocation.ctx_execution_id = run->request.execution_id;
    invocation.ctx_shared_json = run->environment_ctx;
    invocation.ctx_trigger_json = run->trigger;
    // Alone, a node follows the previous one on its isolate; nodes running side by side spread
    // over the isolates instead, so CPU-bound siblings still use every core.
    invocation.lane = run->side_by_side[node] ? -1 : run->lane;
  }
  auto timeout = invocation.timeout;
  runner_.run(
      std::move(invocation), [this, run, node, attempt_index, timeout](NodeOutcome outcome) {
        const std::string& name = nodes_[node].name;
        bool retry = false;
        {
          std::lock_guard<std::mutex> lock(run->mutex);
          if (run->lane < 0) run->lane = outcome.lane;
          for (js::ConsoleLine& line : outcome.console) {
            line.text = run->env->redactor.redact(line.text);
            line.record = run->env->redactor.redact(line.record);
            run->result.logs.push_back({name, std::move(line)});
          }
          if (outcome.output.is_ok()) {
            keep_output(*run, node, outcome);
          } else if (attempt_index < run->env->settings.retries) {
            retry = true;
          } else {
            const Status& status = outcome.output.status();
            std::string message = status.code() == StatusCode::kDeadlineExceeded
                                      ? "Node \"" + name + "\" timed out after " +
                                            std::to_string(timeout.count()) + "ms"
                                      : status.message();
            run->result.errors[name] = run->env->redactor.redact(message);
            run->failed = true;
          }
        }
        if (retry) {
          auto backoff = std::chrono::milliseconds(100) * (1 << std::min(attempt_index, 20));
          delays_.after(
              backoff, [this, run, node, attempt_index] { attempt(run, node, attempt_index + 1); });
          return;
        }
        node_finished(run, node);
      });
}

void DagExecutor::keep_output(Execution& run, size_t node, NodeOutcome& outcome) {
  const SecretRedactor& redactor = run.env->redactor;
  const std::string& name = nodes_[node].name;
  std::string& text = outcome.output_json;
  nlohmann::json& value = outcome.output.value();
  bool has_text = !text.empty();
  // Asked for text only, the runner left `value` null.
  bool value_known = !has_text || !options_.outputs_as_text;
  auto parsed = [&]() -> nlohmann::json& {
    if (!value_known) value = nlohmann::json::parse(text, nullptr, false);
    value_known = true;
    return value;
  };
  bool clean = redactor.empty() || (has_text && !redactor.may_occur_in_json(text));
  if (!clean) {
    nlohmann::json redacted = redactor.redact(parsed());
    clean = redacted == value;
    if (!clean) run.result.outputs[name] = std::move(redacted);
  }
  Execution::Handoff& handoff = run.handoffs[node];
  handoff.text = has_text ? std::move(text) : json_text_of(value);
  handoff.known = true;
  handoff.in_result = clean && has_text;
  if (clean && (!has_text || !options_.outputs_as_text)) {
    run.result.outputs[name] = std::move(parsed());
  }
}

void DagExecutor::set_input(const Execution& run, size_t node, NodeInvocation& invocation) const {
  // The runtime parses input_json when it is set and ignores `input`.
  const std::vector<size_t>& upstream = nodes_[node].upstream;
  if (upstream.empty()) {
    invocation.input_json = run.request.input_json;
    if (invocation.input_json.empty()) invocation.input = run.request.input;
    return;
  }
  // A node starts once its upstream nodes succeeded, so each has its handoff.
  auto text_of = [&](size_t from) -> std::string_view {
    const Execution::Handoff& handoff = run.handoffs[from];
    return handoff.known ? std::string_view(handoff.text) : std::string_view("null");
  };
  if (upstream.size() == 1) {
    invocation.input_json = text_of(upstream.front());
    return;
  }
  // Keyed by upstream name in edge order, each value in its node's own key order.
  std::string text = "{";
  for (size_t from : upstream) {
    if (text.size() > 1) text += ',';
    append_json_string(text, nodes_[from].name);
    text += ':';
    text += text_of(from);
  }
  invocation.input_json = text + "}";
}

void DagExecutor::node_finished(const std::shared_ptr<Execution>& run, size_t node) {
  std::vector<size_t> ready;  // eager: the downstream nodes this one was the last wait of
  const std::vector<size_t>* next = &ready;
  bool complete = false;
  {
    std::lock_guard<std::mutex> lock(run->mutex);
    run->timings[node].completed_ms = epoch_ms(clock_.now());
    run->running--;
    if (run->env->settings.eager) {
      if (!run->failed && run->handoffs[node].known) {
        for (size_t to : nodes_[node].downstream) {
          if (--run->waiting_on[to] == 0 && !run->started[to]) ready.push_back(to);
        }
      }
    } else if (run->running == 0 && !run->failed && run->stage + 1 < stages_.size()) {
      next = &stages_[++run->stage];
    }
    mark_started(*run, *next);
    complete = run->running == 0 && !run->finished;
    if (complete) {
      for (size_t n = 0; n < nodes_.size(); ++n) {
        if (!run->started[n]) continue;
        run->result.node_timings[nodes_[n].name] = run->timings[n];
        Execution::Handoff& handoff = run->handoffs[n];
        if (handoff.in_result) run->result.output_texts[nodes_[n].name] = std::move(handoff.text);
      }
      run->finished = true;
      run->result.success = !run->failed;
      run->result.completed_ms = epoch_ms(clock_.now());
    }
  }
  if (complete) {
    run->done(std::move(run->result));
    return;
  }
  for (size_t n : *next) start_node(run, n);
}

ExecutionResult DagExecutor::execute_and_wait(ExecutionRequest request) {
  std::promise<ExecutionResult> result;
  std::future<ExecutionResult> future = result.get_future();
  execute(std::move(request), [&result](ExecutionResult r) { result.set_value(std::move(r)); });
  return future.get();
}

}  // namespace pd::exec
