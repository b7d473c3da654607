// The executor with real V8, real files and a real loopback server: input shapes, fail-fast,
// retries with virtual-time backoff, timeouts that stop busy nodes, parallel stages, eager
// scheduling, ctx.fetch credentials, ctx.log records, secret redaction and config overrides.
#include "engine/exec/workflow_runtime.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <condition_variable>
#include <future>
#include <thread>

#include "engine/spec/test_workflow_dir.h"

namespace pd::exec {
namespace {

js::V8Platform& platform() {
  static js::V8Platform* instance =
      new js::V8Platform();  // never destroyed: V8 cannot re-initialize
  return *instance;
}

class WorkflowRuntimeTest : public ::testing::Test {
 protected:
  std::unique_ptr<WorkflowRuntime> open(const std::string& yaml,
                                        const std::map<std::string, std::string>& files) {
    for (const auto& [path, text] : files) dir_.write(path, text);
    dir_.write("workflow.yaml", yaml);
    WorkflowRuntimeOptions options;
    options.workflow_dir = dir_.path();
    options.mounted_secrets = dir_.path() / "no-mounted-secrets";
    options.config_dir = config_dir_;
    options.config_recheck = std::chrono::milliseconds(0);
    options.isolates = 2;
    options.clock = &clock_;
    options.delays = &delays_;
    options.stubs = stubs_;
    options.outputs_as_text = outputs_as_text_;
    Result<std::unique_ptr<WorkflowRuntime>> runtime = WorkflowRuntime::open(platform(), options);
    EXPECT_TRUE(runtime.is_ok()) << runtime.status().message();
    return runtime.is_ok() ? std::move(runtime).value() : nullptr;
  }

  spec::testing::TestWorkflowDir dir_;
  std::filesystem::path config_dir_ = dir_.path() / "mounted-config";
  ManualClock clock_{std::chrono::system_clock::from_time_t(1767225600)};
  VirtualDelayScheduler delays_{clock_};
  std::map<std::string, StubbingNodeRunner::Stub> stubs_;  // before open()
  bool outputs_as_text_ = false;                           // before open(): as pd-engine

  // The workflow `make` -> `use` with these two nodes.
  std::unique_ptr<WorkflowRuntime> open_make_then_use(const std::string& make_js,
                                                      const std::string& use_js) {
    return open(R"(name: pair
version: "1.0"
triggers: [{type: manual}]
nodes:
  make: {path: nodes/make.js}
  use: {path: nodes/use.js}
edges:
  - {from: make, to: use}
)",
                {{"nodes/make.js", make_js}, {"nodes/use.js", use_js}});
  }
  // One execution of it, with outputs kept as text or not.
  ExecutionResult run_make_then_use(bool outputs_as_text, const std::string& make_js,
                                    const std::string& use_js) {
    outputs_as_text_ = outputs_as_text;
    auto runtime = open_make_then_use(make_js, use_js);
    return runtime ? runtime->execute_and_wait({.input = nlohmann::json::object()})
                   : ExecutionResult{};
  }
};

TEST_F(WorkflowRuntimeTest, InputsFollowFanOutAndFanIn) {
  auto runtime =
      open(R"(name: shapes
version: "1.0"
triggers: [{type: manual}]
nodes:
  source: {path: nodes/source.ts}
  left: {path: nodes/left.ts}
  right: {path: nodes/right.ts}
  join: {path: nodes/join.ts}
edges:
  - {from: source, to: left}
  - {from: source, to: right}
  - {from: left, to: join}
  - {from: right, to: join}
)",
           {{"nodes/source.ts", "export default (_c: unknown, i: unknown) => ({ got: i });\n"},
            {"nodes/left.ts", "export default (_c: unknown, i: any) => ['left', i.got.n];\n"},
            {"nodes/right.ts", "export default (_c: unknown, i: any) => 'right';\n"},
            {"nodes/join.ts", "export default (_c: unknown, i: unknown) => i;\n"}});
  ASSERT_TRUE(runtime);
  ExecutionResult result =
      runtime->execute_and_wait({.input = {{"n", 7}}, .execution_id = "exec-1"});
  ASSERT_TRUE(result.success) << result.errors.dump();
  EXPECT_EQ(result.execution_id, "exec-1");
  EXPECT_EQ(result.outputs["source"], nlohmann::json::parse(R"({"got": {"n": 7}})"));
  EXPECT_EQ(result.outputs["join"],
            nlohmann::json::parse(R"({"left": ["left", 7], "right": "right"})"));
  EXPECT_EQ(runtime->execute_and_wait({.input = nullptr}).outputs["source"],
            nlohmann::json::parse(R"({"got": {}})"));
}

// Values keep their key order from node to node (Object.keys order is observable in JavaScript):
// a single upstream's output as it wrote it, a fan-in keyed by upstream in edge order.
TEST_F(WorkflowRuntimeTest, KeyOrderSurvivesBetweenNodes) {
  auto runtime =
      open(R"(name: order
version: "1.0"
triggers: [{type: manual}]
nodes:
  make: {path: nodes/make.ts}
  zed: {path: nodes/keys.ts}
  abc: {path: nodes/keys.ts}
  join: {path: nodes/join.ts}
edges:
  - {from: make, to: zed}
  - {from: make, to: abc}
  - {from: zed, to: join}
  - {from: abc, to: join}
)",
           {{"nodes/make.ts",
             "export default (_c: unknown, i: any) => ({ z: 1, a: 2, m: { y: 1, b: 2 }, given: "
             "Object.keys(i) });\n"},
            {"nodes/keys.ts",
             "export default (_c: unknown, i: any) => ({ top: Object.keys(i), inner: "
             "Object.keys(i.m) });\n"},
            {"nodes/join.ts", "export default (_c: unknown, i: any) => Object.keys(i);\n"}});
  ASSERT_TRUE(runtime);
  ExecutionResult result = runtime->execute_and_wait(
      {.input = {{"q", 1}, {"b", 2}}, .input_json = R"({"q": 1, "b": 2})"});
  ASSERT_TRUE(result.success) << result.errors.dump();
  EXPECT_EQ(result.outputs["make"]["given"], nlohmann::json::parse(R"(["q", "b"])"));
  EXPECT_EQ(result.outputs["zed"],
            nlohmann::json::parse(R"({"top": ["z", "a", "m", "given"], "inner": ["y", "b"]})"));
  EXPECT_EQ(result.outputs["join"], nlohmann::json::parse(R"(["zed", "abc"])"));
}

TEST_F(WorkflowRuntimeTest, AFailedStageFinishesButLaterStagesDoNotStart) {
  auto runtime = open(R"(name: failfast
version: "1.0"
triggers: [{type: manual}]
nodes:
  first: {path: nodes/ok.ts}
  broken: {path: nodes/broken.ts}
  slow: {path: nodes/slow.ts}
  never: {path: nodes/ok.ts}
edges:
  - {from: first, to: broken}
  - {from: first, to: slow}
  - {from: broken, to: never}
  - {from: slow, to: never}
)",
                      {{"nodes/ok.ts", "export default () => 'ok';\n"},
                       {"nodes/broken.ts", "export default () => { throw new Error('boom'); };\n"},
                       {"nodes/slow.ts",
                        "export default async () => { await new Promise((r) => setTimeout(r, 50)); "
                        "return 'slow done'; };\n"}});
  ASSERT_TRUE(runtime);
  ExecutionResult result = runtime->execute_and_wait({.input = nlohmann::json::object()});
  EXPECT_FALSE(result.success);
  EXPECT_EQ(result.outputs, nlohmann::json::parse(R"({"first": "ok", "slow": "slow done"})"));
  ASSERT_TRUE(result.errors.contains("broken"));
  EXPECT_TRUE(result.errors["broken"].get<std::string>().starts_with(
      "Error: boom\n    at default (nodes/broken.ts:1:30)"))
      << result.errors["broken"];
  EXPECT_FALSE(result.node_timings.count("never"));
  nlohmann::json json = result.to_json();
  EXPECT_EQ(json["timing"]["nodeTimings"].size(), 3u);
  EXPECT_TRUE(json["timing"].contains("durationMs"));
}

TEST_F(WorkflowRuntimeTest, RetriesBackOffExponentiallyInVirtualTime) {
  auto runtime =
      open(R"(name: flaky
version: "1.0"
triggers: [{type: manual}]
nodes:
  flaky: {path: nodes/flaky.ts}
config:
  retries: 3
)",
           {{"nodes/flaky.ts",
             "let calls = 0;\n"
             "export default () => { if (++calls < 3) throw new Error(`attempt ${calls}`); "
             "return calls; };\n"}});
  ASSERT_TRUE(runtime);
  ExecutionResult result = runtime->execute_and_wait({.input = nlohmann::json::object()});
  ASSERT_TRUE(result.success) << result.errors.dump();
  EXPECT_EQ(result.outputs["flaky"], 3);
  EXPECT_EQ(result.node_timings["flaky"].attempts, 3);
  EXPECT_EQ(delays_.delays(), (std::vector<std::chrono::milliseconds>{
                                  std::chrono::milliseconds(100), std::chrono::milliseconds(200)}));
  EXPECT_EQ(result.node_timings["flaky"].completed_ms - result.node_timings["flaky"].started_ms,
            300);
}

TEST_F(WorkflowRuntimeTest, ATimedOutNodeIsStoppedAndReported) {
  auto runtime = open(R"(name: stuck
version: "1.0"
triggers: [{type: manual}]
nodes:
  spin: {path: nodes/spin.ts}
config:
  timeout: 1s
  retries: 1
)",
                      {{"nodes/spin.ts",
                        "export default (_c: unknown, i: any) => { if (i.spin) while (true) {} "
                        "return 'free'; };\n"}});
  ASSERT_TRUE(runtime);
  ExecutionResult stuck = runtime->execute_and_wait({.input = {{"spin", true}}});
  EXPECT_FALSE(stuck.success);
  EXPECT_EQ(stuck.errors["spin"], "Node \"spin\" timed out after 1000ms");
  EXPECT_EQ(stuck.node_timings["spin"].attempts, 2);  // a timeout is retried like any error
  ExecutionResult after = runtime->execute_and_wait({.input = {{"spin", false}}});
  EXPECT_TRUE(after.success) << after.errors.dump();
}

// Answers /wait only once two requests are waiting: two nodes that ran one after the other would
// never both be answered.
class BarrierServer {
 public:
  BarrierServer() {
    server_.Get("/wait", [this](const httplib::Request& req, httplib::Response& res) {
      std::unique_lock<std::mutex> lock(mutex_);
      ++arrived_;
      changed_.notify_all();
      bool both =
          changed_.wait_for(lock, std::chrono::seconds(5), [this] { return arrived_ >= 2; });
      res.set_content(both ? "together" : "alone", "text/plain");
      (void)req;
    });
    server_.Get("/headers", [](const httplib::Request& req, httplib::Response& res) {
      nlohmann::json seen = {{"authorization", req.get_header_value("Authorization")},
                             {"x-api-key", req.get_header_value("X-API-Key")}};
      res.set_content(seen.dump(), "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~BarrierServer() {
    server_.stop();
    thread_.join();
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  httplib::Server server_;
  std::mutex mutex_;
  std::condition_variable changed_;
  int arrived_ = 0;
  int port_ = 0;
  std::thread thread_;
};

TEST_F(WorkflowRuntimeTest, NodesOfAStageRunInParallel) {
  BarrierServer server;
  auto runtime =
      open(R"(name: parallel
version: "1.0"
triggers: [{type: manual}]
nodes:
  a: {path: nodes/wait.ts, capabilities: {net: 127.0.0.1}}
  b: {path: nodes/wait.ts, capabilities: {net: 127.0.0.1}}
)",
           {{"nodes/wait.ts",
             "export default async (_c: unknown, i: any) => (await fetch(i.url)).text();\n"}});
  ASSERT_TRUE(runtime);
  ExecutionResult result = runtime->execute_and_wait({.input = {{"url", server.url("/wait")}}});
  ASSERT_TRUE(result.success) << result.errors.dump();
  EXPECT_EQ(result.outputs, nlohmann::json::parse(R"({"a": "together", "b": "together"})"));
}

TEST_F(WorkflowRuntimeTest, EagerSchedulingStartsANodeWhenItsOwnInputsAreReady) {
  auto runtime =
      open(R"(name: eager
version: "1.0"
triggers: [{type: manual}]
nodes:
  slow: {path: nodes/slow.ts}
  fast: {path: nodes/fast.ts}
  after-fast: {path: nodes/fast.ts}
edges:
  - {from: fast, to: after-fast}
config:
  scheduling: eager
)",
           {{"nodes/slow.ts",
             "export default async (ctx: any) => { await new Promise((r) => setTimeout(r, 300)); "
             "ctx.log.info('done'); return 'slow'; };\n"},
            {"nodes/fast.ts",
             "export default (ctx: any) => { ctx.log.info('done'); return 'fast'; };\n"}});
  ASSERT_TRUE(runtime);
  ExecutionResult result = runtime->execute_and_wait({.input = nlohmann::json::object()});
  ASSERT_TRUE(result.success) << result.errors.dump();
  // Logs are collected as nodes finish: after-fast finished while slow still waited on its
  // timer. With stage scheduling it would have started only after slow.
  std::vector<std::string> order;
  for (const NodeLogLine& log : result.logs) order.push_back(log.node);
  EXPECT_EQ(order, (std::vector<std::string>{"fast", "after-fast", "slow"}));
}

TEST_F(WorkflowRuntimeTest, CtxFetchSendsCredentialsOnlyToTheServicesHosts) {
  BarrierServer server;
  dir_.write(".secrets.yaml",
             "local:\n  token: tok-local-1234\nother:\n  api_key: key-other-5678\n");
  auto runtime = open(R"(name: auth
version: "1.0"
triggers: [{type: manual}]
nodes:
  call: {path: nodes/call.ts, capabilities: {net: 127.0.0.1}}
config:
  service_hosts:
    local: [127.0.0.1]
)",
                      {{"nodes/call.ts",
                        "export default async (ctx: any, i: any) => {\n"
                        "  const own = await (await ctx.fetch('local', i.url)).json();\n"
                        "  const foreign = await (await ctx.fetch('other', i.url)).json();\n"
                        "  const mine = await (await ctx.fetch('local', i.url, { headers: { "
                        "Authorization: 'Basic me' } })).json();\n"
                        "  ctx.log.info('called', { own: own.authorization });\n"
                        "  return { own, foreign, mine, secret: ctx.secrets.local.token };\n"
                        "};\n"}});
  ASSERT_TRUE(runtime);
  ExecutionResult result = runtime->execute_and_wait({.input = {{"url", server.url("/headers")}}});
  ASSERT_TRUE(result.success) << result.errors.dump();
  // Outputs are redacted: the granted host did receive the token.
  EXPECT_EQ(result.outputs["call"]["own"]["authorization"], "Bearer [REDACTED]");
  EXPECT_EQ(result.outputs["call"]["foreign"],
            nlohmann::json::parse(R"({"authorization": "", "x-api-key": ""})"));
  EXPECT_EQ(result.outputs["call"]["mine"]["authorization"], "Basic me");
  EXPECT_EQ(result.outputs["call"]["secret"], "[REDACTED]");
  ASSERT_EQ(result.logs.size(), 1u);
  const js::ConsoleLine& line = result.logs[0].line;
  EXPECT_EQ(line.level, "info");
  EXPECT_EQ(line.text, "[call] INFO called { own: \"Bearer [REDACTED]\" }");
  EXPECT_EQ(line.record["workflow"], "auth");
  EXPECT_EQ(line.record["node"], "call");
  EXPECT_EQ(line.record["executionId"], result.execution_id);
  EXPECT_EQ(line.record["message"], "called");
  EXPECT_EQ(line.record["args"], nlohmann::json::parse(R"([{"own": "Bearer [REDACTED]"}])"));
  EXPECT_EQ(line.record["time"].get<std::string>().size(), 24u);  // 2026-01-01T00:00:00.000Z
}

// A pipeline fixture's per-node secrets reach only that node, but are hidden wherever they show:
// its output, what it logs, and what a downstream node makes of them.
TEST_F(WorkflowRuntimeTest, PerNodeFixtureSecretsAreRedactedToo) {
  StubbingNodeRunner::Stub with_secret;
  with_secret.secrets = {{"vault", {{"token", "per-node-secret-9876"}}}};
  stubs_["make"] = with_secret;
  auto runtime = open_make_then_use(
      "export default (ctx) => {\n"
      "  console.log('token', ctx.secrets.vault.token);\n"
      "  return { token: ctx.secrets.vault.token };\n"
      "};\n",
      "export default (_ctx, input) => ({ seen: 'got ' + input.token });\n");
  ASSERT_TRUE(runtime);
  ExecutionResult result = runtime->execute_and_wait({.input = nlohmann::json::object()});
  ASSERT_TRUE(result.success) << result.errors.dump();
  EXPECT_EQ(result.outputs["make"]["token"], "[REDACTED]");
  EXPECT_EQ(result.outputs["use"]["seen"], "got [REDACTED]");
  ASSERT_EQ(result.logs.size(), 1u);
  EXPECT_EQ(result.logs[0].line.text.find("per-node-secret-9876"), std::string::npos)
      << result.logs[0].line.text;
  EXPECT_EQ(result.to_json_text().find("per-node-secret-9876"), std::string::npos);
  EXPECT_EQ(runtime->redactor().redact(std::string("x per-node-secret-9876 y")), "x [REDACTED] y");
}

// As under the old engine, a downstream node gets what its upstream node returned, secrets and
// key order included; the result shows it redacted.
TEST_F(WorkflowRuntimeTest, OutputsHoldingSecretsGoDownstreamAsWritten) {
  dir_.write(".secrets.yaml", "svc:\n  token: tok-downstream-4321\n");
  for (bool as_text : {false, true}) {
    ExecutionResult result = run_make_then_use(
        as_text, "export default (ctx) => ({ z: 1, auth: `Bearer ${ctx.secrets.svc.token}` });\n",
        "export default (ctx, input) => ({ keys: Object.keys(input),\n"
        "  same: input.auth === `Bearer ${ctx.secrets.svc.token}` });\n");
    ASSERT_TRUE(result.success) << result.errors.dump();
    nlohmann::json shown = result.to_json();
    EXPECT_EQ(shown["outputs"]["use"],
              nlohmann::json::parse(R"({"keys": ["z", "auth"], "same": true})"))
        << as_text;
    EXPECT_EQ(shown["outputs"]["make"]["auth"], "Bearer [REDACTED]") << as_text;
    EXPECT_EQ(result.to_json_text().find("tok-downstream-4321"), std::string::npos);
  }
}

// JSON.stringify of a function is undefined: the node counts as having returned nothing.
TEST_F(WorkflowRuntimeTest, AnOutputWithoutJsonIsNull) {
  for (bool as_text : {false, true}) {
    ExecutionResult result =
        run_make_then_use(as_text, "export default () => () => 1;\n",
                          "export default (_ctx, input) => ({ got: input });\n");
    ASSERT_TRUE(result.success) << result.errors.dump();
    nlohmann::json shown = nlohmann::json::parse(result.to_json_text(), nullptr, false);
    ASSERT_FALSE(shown.is_discarded()) << result.to_json_text();
    EXPECT_EQ(shown["outputs"]["make"], nullptr) << as_text;
    EXPECT_EQ(shown["outputs"]["use"], nlohmann::json({{"got", nullptr}})) << as_text;
  }
}

TEST_F(WorkflowRuntimeTest, MountedConfigOverridesApplyToLaterExecutions) {
  std::filesystem::create_directories(config_dir_);
  auto runtime =
      open(R"(name: configured
version: "1.0"
triggers: [{type: manual}]
nodes:
  show: {path: nodes/show.ts}
config:
  greeting: hello
  timeout: 5s
)",
           {{"nodes/show.ts",
             "export default (ctx: any) => [ctx.config.greeting, ctx.config.timeout];\n"}});
  ASSERT_TRUE(runtime);
  EXPECT_EQ(runtime->execute_and_wait({}).outputs["show"],
            nlohmann::json::parse(R"(["hello", "5s"])"));
  std::ofstream(config_dir_ / "greeting") << "bonjour\n";
  std::ofstream(config_dir_ / "overrides.yaml") << "timeout: 10s\n";
  EXPECT_EQ(runtime->execute_and_wait({}).outputs["show"],
            nlohmann::json::parse(R"(["bonjour", "10s"])"));
  std::ofstream(config_dir_ / "overrides.yaml") << "timeout: soon\n";
  ExecutionResult bad = runtime->execute_and_wait({});
  EXPECT_FALSE(bad.success);
  EXPECT_EQ(bad.errors["config"],
            "config.timeout: \"soon\" is not a duration (e.g. \"30s\", \"2m\")");
}

// ctx as the old engine gave it: plain own properties in its order (spread and Object.keys see
// them), and in a long-lived context a call's changes to its ctx do not reach the next call.
TEST_F(WorkflowRuntimeTest, CtxHasPlainPropertiesInOrderAndChangesStayWithinTheCall) {
  auto runtime =
      open(R"(name: look
version: "1.0"
triggers: [{type: manual}]
nodes:
  look: {path: nodes/look.js}
config:
  region: eu
)",
           {{"nodes/look.js",
             "export default (ctx) => {\n"
             "  const keys = Object.keys(ctx);\n"
             "  const spread = Object.keys({ ...ctx });\n"
             "  const before = ctx.config.counter ?? 0;\n"
             "  ctx.config.counter = before + 1;\n"
             "  ctx.secrets = { replaced: true };\n"
             "  const kind = typeof Object.getOwnPropertyDescriptor(ctx, 'config').value;\n"
             "  // ctx.trigger is parsed on first read, yet copies like any other member.\n"
             "  const triggerKind = typeof { ...ctx }.trigger;\n"
             "  return { keys, spread, before, region: ctx.config.region, triggerKind,\n"
             "           replaced: ctx.secrets.replaced, kind, subject: ctx.trigger?.subject ?? "
             "null };\n"
             "};\n"}});
  ASSERT_TRUE(runtime);
  auto run = [&](nlohmann::json trigger) {
    std::promise<ExecutionResult> done;
    runtime->execute({.input = nlohmann::json::object(),
                      .trigger_json = trigger.is_null() ? "" : trigger.dump()},
                     [&](ExecutionResult r) { done.set_value(std::move(r)); });
    return done.get_future().get();
  };
  ExecutionResult first = run({{"subject", "orders.new"}});
  ASSERT_TRUE(first.success) << first.errors.dump();
  EXPECT_EQ(first.outputs["look"], nlohmann::json::parse(R"({
    "keys": ["workflow", "node", "executionId", "config", "secrets", "trigger", "fetch"],
    "spread": ["workflow", "node", "executionId", "config", "secrets", "trigger", "fetch"],
    "before": 0, "region": "eu", "replaced": true, "kind": "object", "subject": "orders.new",
    "triggerKind": "object"})"));
  ExecutionResult second = run(nullptr);  // same context: nothing leaked from the first call
  ASSERT_TRUE(second.success) << second.errors.dump();
  EXPECT_EQ(second.outputs["look"], nlohmann::json::parse(R"({
    "keys": ["workflow", "node", "executionId", "config", "secrets", "fetch"],
    "spread": ["workflow", "node", "executionId", "config", "secrets", "fetch"],
    "before": 0, "region": "eu", "replaced": true, "kind": "object", "subject": null,
    "triggerKind": "undefined"})"));
}

TEST_F(WorkflowRuntimeTest, EachNodeReadsItsOwnCopyOfTheTrigger) {
  auto runtime = open(R"(name: trig
version: "1.0"
triggers: [{type: manual}]
nodes:
  a: {path: nodes/a.js}
  b: {path: nodes/b.js}
edges: [{from: a, to: b}]
)",
                      {{"nodes/a.js",
                        "export default (ctx) => {\n"
                        "  ctx.trigger.subject = 'changed by a';\n"
                        "  const seen = ctx.trigger.subject;\n"
                        "  ctx.trigger = 'replaced';\n"
                        "  return { seen, now: ctx.trigger, json: JSON.stringify(ctx).includes('replaced') };\n"
                        "};\n"},
                       {"nodes/b.js",
                        "export default (ctx) => ({ subject: ctx.trigger.subject,\n"
                        "  deleted: delete ctx.trigger && !('trigger' in ctx) });\n"}});
  ASSERT_TRUE(runtime);
  ExecutionResult result = runtime->execute_and_wait(
      {.input = nlohmann::json::object(), .trigger_json = R"({"subject":"orders.new"})"});
  ASSERT_TRUE(result.success) << result.errors.dump();
  EXPECT_EQ(result.outputs["a"],
            nlohmann::json({{"seen", "changed by a"}, {"now", "replaced"}, {"json", true}}));
  EXPECT_EQ(result.outputs["b"], nlohmann::json({{"subject", "orders.new"}, {"deleted", true}}));
}

// A node may change the built-ins of its own context: give Object.prototype a `value` and a
// `writable` (which a property descriptor would inherit), replace Object.defineProperty and
// JSON.parse. Its later calls still get a ctx with a lazily parsed ctx.trigger.
TEST_F(WorkflowRuntimeTest, ANodeChangingBuiltInsStillGetsItsTrigger) {
  auto runtime = open(R"(name: trig
version: "1.0"
triggers: [{type: manual}]
nodes:
  meddle: {path: nodes/meddle.js}
)",
                      {{"nodes/meddle.js",
                        "Object.defineProperty = () => { throw new Error('mine'); };\n"
                        "JSON.parse = () => 'mine';\n"
                        "export default (ctx) => {\n"
                        "  const subject = ctx.trigger.subject;\n"
                        "  Object.prototype.value = 1;\n"
                        "  Object.prototype.writable = true;\n"
                        "  return { subject, keys: Object.keys(ctx) };\n"
                        "};\n"}});
  ASSERT_TRUE(runtime);
  // Two isolates, equally idle, so taken in turn: each sees calls after its first changed its
  // built-ins.
  for (const char* subject : {"first", "second", "third", "fourth"}) {
    ExecutionResult result = runtime->execute_and_wait(
        {.input = nlohmann::json::object(),
         .trigger_json = std::string(R"({"subject":")") + subject + "\"}"});
    ASSERT_TRUE(result.success) << result.errors.dump();
    EXPECT_EQ(result.outputs["meddle"]["subject"], subject);
    EXPECT_EQ(
        result.outputs["meddle"]["keys"],
        nlohmann::json::parse(
            R"(["workflow", "node", "executionId", "config", "secrets", "trigger", "fetch"])"));
  }
}

}  // namespace
}  // namespace pd::exec
