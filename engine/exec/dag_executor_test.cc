// The executor against a scripted NodeRunner (no V8): which isolate each node is sent to, and
// the ctx text every node gets.
#include "engine/exec/dag_executor.h"

#include <gtest/gtest.h>

#include <mutex>

#include "engine/spec/test_workflow_dir.h"
#include "engine/spec/workflow_loader.h"

namespace pd::exec {
namespace {

// Answers every node with {"n": 1}, as run by isolate `answer_lane`, and records what it got.
class ScriptedRunner : public NodeRunner {
 public:
  explicit ScriptedRunner(int answer_lane, std::string answer = R"({"n":1})")
      : answer_lane_(answer_lane), answer_(std::move(answer)) {}
  void run(NodeInvocation&& invocation, std::function<void(NodeOutcome)> done) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      seen_.push_back(invocation);
    }
    // Text only when asked, as the runtime does.
    auto own = answers.find(invocation.node);
    const std::string& answer = own != answers.end() ? own->second : answer_;
    NodeOutcome outcome{
        invocation.output_text_only ? nlohmann::json() : nlohmann::json::parse(answer), answer};
    outcome.lane = answer_lane_;
    done(std::move(outcome));
  }
  std::map<std::string, std::string> answers;  // by node, instead of `answer`
  std::vector<NodeInvocation> seen() {
    std::lock_guard<std::mutex> lock(mutex_);
    return seen_;
  }

 private:
  int answer_lane_;
  std::string answer_;
  std::mutex mutex_;
  std::vector<NodeInvocation> seen_;
};

class DagExecutorTest : public ::testing::Test {
 protected:
  void SetUp() override { load(kChain); }
  void load(const std::string& yaml) {
    dir_.write("nodes/step.js", "export default () => ({});\n");
    dir_.write("workflow.yaml", yaml);
    loaded_ = std::make_unique<spec::LoadedWorkflow>(spec::load_workflow(dir_.path()));
    ASSERT_TRUE(loaded_->ok()) << loaded_->format_diagnostics();
  }
  static constexpr const char* kChain = R"(name: chain
version: "1.0"
triggers: [{type: manual}]
nodes:
  a: {path: nodes/step.js}
  b: {path: nodes/step.js}
  c: {path: nodes/step.js}
edges:
  - {from: a, to: b}
  - {from: b, to: c}
)";

  spec::testing::TestWorkflowDir dir_;
  std::unique_ptr<spec::LoadedWorkflow> loaded_;
  ManualClock clock_{std::chrono::system_clock::from_time_t(1767225600)};
  VirtualDelayScheduler delays_{clock_};
};

TEST_F(DagExecutorTest, KeepsAnExecutionsNodesOnTheIsolateItsFirstNodeRanOn) {
  ScriptedRunner runner(/*answer_lane=*/1);
  DagExecutor executor(loaded_->workflow, *loaded_->plan, runner, delays_, clock_);
  ExecutionResult result = executor.execute_and_wait({});
  ASSERT_TRUE(result.success) << result.errors.dump();
  std::vector<NodeInvocation> seen = runner.seen();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].lane, -1);  // the first node: whichever isolate is least busy
  EXPECT_EQ(seen[1].lane, 1);
  EXPECT_EQ(seen[2].lane, 1);
}

constexpr const char* kFan = R"(name: fan
version: "1.0"
triggers: [{type: manual}]
nodes:
  a: {path: nodes/step.js}
  b: {path: nodes/step.js}
  c: {path: nodes/step.js}
  d: {path: nodes/step.js}
edges:
  - {from: a, to: b}
  - {from: a, to: c}
  - {from: b, to: d}
  - {from: c, to: d}
)";

TEST_F(DagExecutorTest, OutputsKeptAsTextAreFedDownstreamAndWrittenOutTheSame) {
  load(kFan);
  for (const char* scheduling : {"stage", "eager"}) {
    ExecutionRequest request;
    request.execution_id = "exec-1";
    request.config = {{"scheduling", scheduling}};
    // Key order tells the node's own text from nlohmann's (which sorts keys).
    ScriptedRunner parsing_runner(0, R"({"z":1,"a":2})");
    DagExecutor parsing(loaded_->workflow, *loaded_->plan, parsing_runner, delays_, clock_);
    ExecutionResult parsed = parsing.execute_and_wait(request);
    ScriptedRunner text_runner(0, R"({"z":1,"a":2})");
    DagExecutor text_only(loaded_->workflow, *loaded_->plan, text_runner, delays_, clock_,
                          ExecutorOptions{{}, /*outputs_as_text=*/true});
    ExecutionResult kept = text_only.execute_and_wait(request);
    ASSERT_TRUE(kept.success) << scheduling << ": " << kept.errors.dump();
    EXPECT_EQ(kept.outputs, nlohmann::json::object()) << scheduling;
    EXPECT_EQ(kept.output_texts.size(), 4u) << scheduling;
    std::string text = kept.to_json_text();
    EXPECT_EQ(text, parsed.to_json_text()) << scheduling;
    EXPECT_LT(text.find("\"z\": 1"), text.find("\"a\": 2")) << text;
    EXPECT_EQ(kept.to_json()["outputs"]["d"], nlohmann::json({{"z", 1}, {"a", 2}})) << scheduling;
    for (const NodeInvocation& seen : text_runner.seen()) {
      EXPECT_TRUE(seen.output_text_only) << seen.node;
      if (seen.node == "d") {
        EXPECT_EQ(seen.input_json, R"({"b":{"z":1,"a":2},"c":{"z":1,"a":2}})");
      }
    }
  }
}

TEST_F(DagExecutorTest, OutputsGoDownstreamAsWrittenAndAreRedactedInTheResult) {
  for (bool outputs_as_text : {false, true}) {
    ScriptedRunner runner(0, R"({"z":0,"token":"s3cret-value"})");
    DagExecutor executor(loaded_->workflow, *loaded_->plan, runner, delays_, clock_,
                         ExecutorOptions{{}, outputs_as_text});
    ExecutionRequest request;
    request.secrets = {{"svc", {{"token", "s3cret-value"}}}};
    ExecutionResult result = executor.execute_and_wait(request);
    ASSERT_TRUE(result.success) << result.errors.dump();
    std::vector<NodeInvocation> seen = runner.seen();
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_EQ(seen[1].input_json, R"({"z":0,"token":"s3cret-value"})") << outputs_as_text;
    EXPECT_EQ(result.outputs["a"], nlohmann::json({{"z", 0}, {"token", "[REDACTED]"}}));
    EXPECT_EQ(result.output_texts.count("a"), 0u);
    std::string text = result.to_json_text();
    EXPECT_EQ(text.find("s3cret-value"), std::string::npos) << text;
  }
}

TEST_F(DagExecutorTest, OnlyOutputsShowingASecretAreParsed) {
  ScriptedRunner runner(0);
  runner.answers["a"] = R"({"token":"s3cret-value"})";
  DagExecutor executor(loaded_->workflow, *loaded_->plan, runner, delays_, clock_,
                       ExecutorOptions{{}, /*outputs_as_text=*/true});
  ExecutionRequest request;
  request.secrets = {{"svc", {{"token", "s3cret-value"}}}};
  ExecutionResult result = executor.execute_and_wait(request);
  ASSERT_TRUE(result.success) << result.errors.dump();
  EXPECT_EQ(result.outputs, nlohmann::json({{"a", {{"token", "[REDACTED]"}}}}));
  EXPECT_EQ(result.output_texts,
            (std::map<std::string, std::string>{{"b", R"({"n":1})"}, {"c", R"({"n":1})"}}));
}

TEST_F(DagExecutorTest, NodesRunningSideBySideSpreadOverTheIsolates) {
  load(kFan);
  ScriptedRunner runner(/*answer_lane=*/1);
  DagExecutor executor(loaded_->workflow, *loaded_->plan, runner, delays_, clock_);
  ASSERT_TRUE(executor.execute_and_wait({}).success);
  std::map<std::string, int> lanes;
  for (const NodeInvocation& seen : runner.seen()) lanes[seen.node] = seen.lane;
  EXPECT_EQ(lanes, (std::map<std::string, int>{{"a", -1}, {"b", -1}, {"c", -1}, {"d", 1}}));
}

TEST_F(DagExecutorTest, EveryNodeGetsTheSharedCtxWithItsOwnName) {
  ScriptedRunner runner(0);
  DagExecutor executor(loaded_->workflow, *loaded_->plan, runner, delays_, clock_);
  ExecutionRequest request;
  request.execution_id = "exec-1";
  request.config = {{"region", "eu"}, {"service_hosts", {{"slack", {"hooks.slack.com"}}}}};
  request.secrets = {{"slack", {{"token", "t"}}}};
  request.trigger_json = R"({"subject":"orders.new"})";
  ASSERT_TRUE(executor.execute_and_wait(request).success);
  std::vector<NodeInvocation> seen = runner.seen();
  ASSERT_EQ(seen.size(), 3u);
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_TRUE(seen[i].ctx_json.empty());  // its own members come as text, not JSON
    nlohmann::json ctx = {{"node", seen[i].node}, {"executionId", seen[i].ctx_execution_id}};
    ASSERT_TRUE(seen[i].ctx_shared_json);
    EXPECT_EQ(seen[i].ctx_shared_json, seen[0].ctx_shared_json);  // one text for the execution
    ctx.update(nlohmann::json::parse(*seen[i].ctx_shared_json));
    ASSERT_TRUE(seen[i].ctx_trigger_json);
    EXPECT_EQ(seen[i].ctx_trigger_json, seen[0].ctx_trigger_json);  // one text, read lazily
    ctx["trigger"] = nlohmann::json::parse(*seen[i].ctx_trigger_json);
    EXPECT_EQ(ctx, nlohmann::json({{"node", std::string(1, static_cast<char>('a' + i))},
                                   {"workflow", "chain"},
                                   {"executionId", "exec-1"},
                                   {"config", request.config},
                                   {"secrets", request.secrets},
                                   {"serviceHosts", {{"slack", {"hooks.slack.com"}}}},
                                   {"trigger", nlohmann::json::parse(request.trigger_json)}}));
  }
  // Downstream nodes get the upstream output as the text the node wrote.
  EXPECT_EQ(seen[1].input_json, R"({"n":1})");
}

TEST(ExecutionResultText, IsTheSameResultWithEachOutputInItsNodesKeyOrder) {
  ExecutionResult result;
  result.execution_id = "e1";
  result.success = false;
  result.outputs = {{"a", {{"zeta", 1}, {"alpha", {1, 2}}}}, {"b", nullptr}};
  result.output_texts = {{"a", R"({"zeta":1,"alpha":[1,2]})"}};
  result.errors = {{"c", "boom: \"quoted\""}};
  result.started_ms = 1000;
  result.completed_ms = 1012;
  result.node_timings["a"] = {1000, 1005, 2};
  std::string text = result.to_json_text();
  EXPECT_EQ(nlohmann::json::parse(text), result.to_json());
  EXPECT_LT(text.find("\"zeta\""), text.find("\"alpha\""));
  EXPECT_NE(text.find("\n    \"a\": {\n      \"zeta\": 1,"), std::string::npos) << text;
}

TEST(NodeContextJson, PutsTheNodeFirstThenTheExecutionId) {
  EXPECT_EQ(node_context_json("a", "e1"), R"({"node":"a","executionId":"e1"})");
  EXPECT_EQ(node_context_json("a\"b", "e1"), R"({"node":"a\"b","executionId":"e1"})");
}

}  // namespace
}  // namespace pd::exec
