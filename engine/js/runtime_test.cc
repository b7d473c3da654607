// Real V8: loading TypeScript nodes, calling them, errors with .ts positions, confinement,
// timeouts that stop busy loops, and the heap limit.
#include "engine/js/runtime.h"

#include <future>
#include <utility>

#include "engine/js/runtime_test_fixture.h"

namespace pd::js {
namespace {

TEST_F(RuntimeTest, CallsTheDefaultExportOfATypeScriptNode) {
  write(
      "nodes/greet.ts",
      "import type { Context } from \"pipedreamer\";\n"
      "interface Input { name: string }\n"
      "export default async function run(ctx: Context, input: Input): Promise<{ text: string }> {\n"
      "  return { text: `${(ctx as any).config.greeting}, ${input.name}` };\n"
      "}\n");
  Result<NodeCall> result = call("nodes/greet.ts", {{"name", "Ada"}});
  ASSERT_TRUE(result.is_ok()) << result.status().message();
  EXPECT_EQ(result.value().output, (nlohmann::json{{"text", "hi, Ada"}}));
}

// Text handed to V8 is checked for non-ASCII bytes eight at a time, then byte by byte: a
// character outside ASCII anywhere (first word, a later word, the tail) must arrive intact, and
// come back intact (the output's one-byte copy is used only when it is ASCII; é is one byte in
// V8 and two in UTF-8).
TEST_F(RuntimeTest, TextOutsideAsciiArrivesIntactWhereverItIs) {
  write("nodes/echo.ts", "export default (_ctx: unknown, input: { s: string }) => input.s;\n");
  for (std::string s :
       {"\u00e9", "abcdefg\u00e9", "abcdefghijklmnop\u00e9xyz", "0123456789abcdef\u20ac",
        "plain ascii only, longer than a word", "\xf0\x9f\x98\x80 emoji first"}) {
    CallOptions options{std::chrono::seconds(5)};
    options.input_json = "{\"s\": \"" + s + "\"}";
    Result<NodeCall> result =
        runtime_->call_node("nodes/echo.ts", nlohmann::json::object(), nlohmann::json(), options);
    ASSERT_TRUE(result.is_ok()) << result.status().message();
    EXPECT_EQ(result.value().output, s);
  }
}

TEST_F(RuntimeTest, SupportsTypeScriptConstructs) {
  write(
      "nodes/ts.ts",
      "enum Color { Red = 'red', Blue = 'blue' }\n"
      "class Box<T> { constructor(private readonly value: T) {} get(): T { return this.value; } }\n"
      "type Pair = [number, number];\n"
      "const pair = [1, 2] as Pair;\n"
      "const cfg = { a: 1 } satisfies Record<string, number>;\n"
      "export default function run(_ctx: unknown, _input: unknown) {\n"
      "  return { color: Color.Blue, boxed: new Box<number>(41).get()! + 1, sum: pair[0] + "
      "pair[1], a: cfg.a };\n"
      "}\n");
  Result<NodeCall> result = call("nodes/ts.ts");
  ASSERT_TRUE(result.is_ok()) << result.status().message();
  EXPECT_EQ(result.value().output,
            (nlohmann::json{{"color", "blue"}, {"boxed", 42}, {"sum", 3}, {"a", 1}}));
}

TEST_F(RuntimeTest, ImportsSharedModulesAndThePipedreamerBuiltin) {
  write("lib/format.ts", "export function shout(s: string): string { return s.toUpperCase(); }\n");
  write("nodes/use.ts",
        "import { shout } from \"../lib/format.ts\";\n"
        "import { defineNode } from \"pipedreamer\";\n"
        "export default defineNode(async (_ctx: unknown, input: { s: string }) => "
        "shout(input.s));\n");
  Result<NodeCall> result = call("nodes/use.ts", {{"s", "quiet"}});
  ASSERT_TRUE(result.is_ok()) << result.status().message();
  EXPECT_EQ(result.value().output, "QUIET");
}

TEST_F(RuntimeTest, ImportMapsResolveVendoredSpecifiers) {
  write("deno.json", R"({"imports": {"npm:left-pad@1": "./vendor/left-pad/index.js",
    "@std/text/": "./vendor/std-text/"}})");
  write("vendor/left-pad/index.js", "export default (s, n) => s.padStart(n, '*');\n");
  write("vendor/std-text/case.ts",
        "export const upper = (s: string): string => s.toUpperCase();\n");
  write("nodes/pad.ts",
        "import pad from \"npm:left-pad@1\";\n"
        "import { upper } from \"@std/text/case.ts\";\n"
        "export default () => upper(pad('x', 3));\n");
  Result<NodeCall> result = call("nodes/pad.ts");
  ASSERT_TRUE(result.is_ok()) << result.status().message();
  EXPECT_EQ(result.value().output, "**X");
}

TEST_F(RuntimeTest, UnvendoredRemoteSpecifiersSayHowToVendorThem) {
  write("nodes/remote.ts", "import { z } from \"npm:zod@3\";\nexport default () => z;\n");
  Result<NodeCall> result = call("nodes/remote.ts");
  ASSERT_FALSE(result.is_ok());
  EXPECT_NE(result.status().message().find(
                "cannot import \"npm:zod@3\" in nodes/remote.ts: npm: specifiers are never fetched "
                "at run time. Vendor it: put its files under vendor/ in the workflow folder and "
                "map it in deno.json"),
            std::string::npos)
      << result.status().message();
}

TEST_F(RuntimeTest, ImportsOutsideTheWorkflowFolderAreRefused) {
  write("nodes/escape.ts", "import x from \"../../etc/x.ts\";\nexport default () => x;\n");
  Result<NodeCall> result = call("nodes/escape.ts");
  ASSERT_FALSE(result.is_ok());
  EXPECT_NE(result.status().message().find("points outside the workflow folder"), std::string::npos)
      << result.status().message();
}

TEST_F(RuntimeTest, ThrownErrorsPointIntoTheTypeScriptFile) {
  write("nodes/fail.ts",
        "interface A { x: number }\n"
        "\n"
        "export default async function run(_ctx: unknown, input: A) {\n"
        "  if (input.x > 0) {\n"
        "    throw new Error(\"boom\");\n"
        "  }\n"
        "}\n");
  Result<NodeCall> result = call("nodes/fail.ts", {{"x", 1}});
  ASSERT_FALSE(result.is_ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(result.status().message().find("Error: boom"), std::string::npos);
  EXPECT_NE(result.status().message().find("nodes/fail.ts:5:11"), std::string::npos)
      << result.status().message();
}

TEST_F(RuntimeTest, DefaultExportMustBeAFunction) {
  write("nodes/value.ts", "export default 42;\n");
  Result<NodeCall> result = call("nodes/value.ts");
  ASSERT_FALSE(result.is_ok());
  EXPECT_EQ(result.status().message(),
            "nodes/value.ts: expected `export default async function run(ctx, input)`, found a "
            "default export that is not a function");
}

TEST_F(RuntimeTest, SyntaxErrorsNameTheFile) {
  write("nodes/broken.ts", "export default function run( {\n");
  Result<NodeCall> result = call("nodes/broken.ts");
  ASSERT_FALSE(result.is_ok());
  EXPECT_NE(result.status().message().find("nodes/broken.ts"), std::string::npos)
      << result.status().message();
}

TEST_F(RuntimeTest, TimeoutStopsABusyLoopAndTheRuntimeStaysUsable) {
  write("nodes/spin.ts", "export default function run() { while (true) {} }\n");
  write("nodes/ok.js", "export default () => 'still fine';\n");
  Result<NodeCall> spun = call("nodes/spin.ts", {}, std::chrono::milliseconds(200));
  ASSERT_FALSE(spun.is_ok());
  EXPECT_EQ(spun.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(spun.status().message(), "nodes/spin.ts: timed out after 200ms");
  Result<NodeCall> after = call("nodes/ok.js");
  ASSERT_TRUE(after.is_ok()) << after.status().message();
  EXPECT_EQ(after.value().output, "still fine");
}

TEST_F(RuntimeTest, AShortTimeoutStopsABusyLoopAfterCallsWithLongerOnes) {
  // The watchdog sleeps toward the earliest deadline it was given: a later, shorter timeout
  // must still wake it.
  write("nodes/ok.js", "export default () => 1;\n");
  write("nodes/spin.ts", "export default function run() { while (true) {} }\n");
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(call("nodes/ok.js", {}, std::chrono::seconds(60)).is_ok());
  auto started = std::chrono::steady_clock::now();
  Result<NodeCall> spun = call("nodes/spin.ts", {}, std::chrono::milliseconds(200));
  ASSERT_FALSE(spun.is_ok());
  EXPECT_EQ(spun.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(30));
}

TEST_F(RuntimeTest, HeapLimitFailsTheCallNotTheProcess) {
  write("nodes/hog.ts",
        "export default function run() { const a: number[][] = []; "
        "while (true) { a.push(new Array(100000).fill(1)); } }\n");
  Result<NodeCall> result = call("nodes/hog.ts", {}, std::chrono::seconds(20));
  ASSERT_FALSE(result.is_ok());
  EXPECT_EQ(result.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(result.status().message(), "nodes/hog.ts: ran out of memory (heap limit 64 MB)");
}

TEST_F(RuntimeTest, FreshContextPerCallSoModuleStateDoesNotLeak) {
  write("nodes/count.ts", "let n = 0;\nexport default () => ++n;\n");
  EXPECT_EQ(call("nodes/count.ts").value().output, 1);
  EXPECT_EQ(call("nodes/count.ts").value().output, 1);
}

TEST_F(RuntimeTest, ConsoleOutputIsCaptured) {
  write(
      "nodes/talk.ts",
      "export default () => { console.log('a', {b: 1}); console.warn('careful'); return null; }\n");
  Result<NodeCall> result = call("nodes/talk.ts");
  ASSERT_TRUE(result.is_ok()) << result.status().message();
  ASSERT_EQ(result.value().console.size(), 2u);
  EXPECT_EQ(result.value().console[0].text, "a { b: 1 }");  // formatted as Deno does
  EXPECT_EQ(result.value().console[1].level, "warn");
}

TEST_F(RuntimeTest, ConsoleTextWithALoneSurrogateBecomesValidUtf8) {
  // JS strings may hold half a surrogate pair; logs and error messages must stay valid UTF-8.
  write("nodes/half.ts", "export default () => { console.log('a\\ud800b'); return null; }\n");
  Result<NodeCall> result = call("nodes/half.ts");
  ASSERT_TRUE(result.is_ok()) << result.status().message();
  ASSERT_EQ(result.value().console.size(), 1u);
  EXPECT_EQ(result.value().console[0].text,
            "a\xEF\xBF\xBD"
            "b");  // U+FFFD
}

TEST_F(RuntimeTest, TimersAndMicrotasksDriveTheEventLoop) {
  write("nodes/wait.ts",
        "const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));\n"
        "export default async function run() {\n"
        "  const order: string[] = [];\n"
        "  queueMicrotask(() => order.push('micro'));\n"
        "  const t = setTimeout(() => order.push('cancelled'), 5);\n"
        "  clearTimeout(t);\n"
        "  let ticks = 0;\n"
        "  const i = setInterval(() => { ticks++; if (ticks === 3) clearInterval(i); }, 2);\n"
        "  setTimeout((a: string, b: string) => order.push(a + b), 1, 'ar', 'gs');\n"
        "  await sleep(20);\n"
        "  order.push('slept');\n"
        "  return { order, ticks };\n"
        "}\n");
  Result<NodeCall> result = call("nodes/wait.ts");
  ASSERT_TRUE(result.is_ok()) << result.status().message();
  EXPECT_EQ(result.value().output,
            nlohmann::json::parse(R"({"order":["micro","args","slept"],"ticks":3})"));
}

// A LoopWaiter as an event loop would be: it sleeps until woken or the deadline, and runs the
// "I/O" it was handed on the thread that waits.
class RecordingWaiter : public LoopWaiter {
 public:
  void wait(std::optional<std::chrono::steady_clock::time_point> until) override {
    std::unique_lock<std::mutex> lock(mutex_);
    waits_++;
    thread_ = std::this_thread::get_id();
    auto woken = [this] { return woken_ || io_; };
    if (until) {
      changed_.wait_until(lock, *until, woken);
    } else {
      changed_.wait(lock, woken);
    }
    woken_ = false;
    if (std::function<void()> io = std::exchange(io_, nullptr)) {
      lock.unlock();
      io();
    }
  }
  void wake() override {
    std::lock_guard<std::mutex> lock(mutex_);
    woken_ = true;
    changed_.notify_all();
  }
  void run_on_loop(std::function<void()> io) {
    std::lock_guard<std::mutex> lock(mutex_);
    io_ = std::move(io);
    changed_.notify_all();
  }
  int waits() {
    std::lock_guard<std::mutex> lock(mutex_);
    return waits_;
  }
  std::thread::id thread() {
    std::lock_guard<std::mutex> lock(mutex_);
    return thread_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool woken_ = false;
  std::function<void()> io_;
  int waits_ = 0;
  std::thread::id thread_;
};

TEST_F(RuntimeTest, TheLoopSleepsInAWaiterThatRunsItsIoOnTheLoopThread) {
  write("nodes/sleep.js",
        "export default async (_ctx, input) => {\n"
        "  await new Promise((r) => setTimeout(r, 20));\n"
        "  return input.n + 1;\n"
        "};\n");
  auto waiter = std::make_shared<RecordingWaiter>();
  runtime_->set_waiter(waiter);
  // Calls from another thread wake the waiter; the timer's deadline bounds its sleep.
  Result<NodeCall> slept = call("nodes/sleep.js", {{"n", 1}});
  ASSERT_TRUE(slept.is_ok()) << slept.status().message();
  EXPECT_EQ(slept.value().output, 2);
  EXPECT_GT(waiter->waits(), 0);
  // I/O running inside the wait is on the loop thread: what it starts needs no hand-off.
  std::promise<bool> on_loop;
  waiter->run_on_loop([&] {
    on_loop.set_value(runtime_->on_loop_thread());
    runtime_->post_task([] {});
  });
  EXPECT_TRUE(on_loop.get_future().get());
  EXPECT_FALSE(runtime_->on_loop_thread());
  // Detached: the runtime no longer touches the waiter and runs on its own again.
  runtime_->set_waiter(nullptr);
  int waits = waiter->waits();
  waiter.reset();
  Result<NodeCall> after = call("nodes/sleep.js", {{"n", 2}});
  ASSERT_TRUE(after.is_ok()) << after.status().message();
  EXPECT_EQ(after.value().output, 3);
  EXPECT_GT(waits, 1);
}

// At once, or once the last timer that could have settled it ran.
TEST_F(RuntimeTest, APromiseThatCanNeverSettleIsReported) {
  write("nodes/hang.ts", "export default () => new Promise(() => {});\n");
  write("nodes/orphan.ts", "export default () => new Promise(() => { setTimeout(() => {}, 5); });\n");
  for (const char* node : {"nodes/hang.ts", "nodes/orphan.ts"}) {
    Result<NodeCall> result = call(node);
    ASSERT_FALSE(result.is_ok());
    EXPECT_EQ(result.status().message(),
              std::string(node) +
                  ": the promise returned by the node never settled (no timers or I/O left that "
                  "could settle it)");
  }
}

TEST_F(RuntimeTest, AnAwaitingCallTimesOutAmongManyWithLaterDeadlines) {
  // Deadlines are kept in order (call_deadlines): the earliest is found among many.
  write("nodes/slow.ts", "export default () => new Promise((r) => setTimeout(r, 60000));\n");
  auto ended = std::make_shared<std::atomic<int>>(0);
  CallOptions later;
  later.timeout = std::chrono::seconds(60);
  for (int i = 0; i < 50; ++i) {
    runtime_->call_node_async("nodes/slow.ts", nlohmann::json::object(), {}, later,
                              [ended](Result<NodeCall>) { ++*ended; });
  }
  auto started = std::chrono::steady_clock::now();
  Result<NodeCall> result = call("nodes/slow.ts", {}, std::chrono::milliseconds(50));
  ASSERT_FALSE(result.is_ok());
  EXPECT_EQ(result.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  EXPECT_EQ(ended->load(), 0);  // the others wait on
}

TEST_F(RuntimeTest, TimeoutAppliesWhileWaitingForTimers) {
  write("nodes/slow.ts", "export default () => new Promise((r) => setTimeout(r, 60000));\n");
  Result<NodeCall> result = call("nodes/slow.ts", {}, std::chrono::milliseconds(50));
  ASSERT_FALSE(result.is_ok());
  EXPECT_EQ(result.status().code(), StatusCode::kDeadlineExceeded);
}

TEST_F(RuntimeTest, ErrorsThrownInTimersFailTheCall) {
  write("nodes/late.ts",
        "export default () => new Promise(() => { setTimeout(() => { throw new Error('late'); }, "
        "1); });\n");
  Result<NodeCall> result = call("nodes/late.ts");
  ASSERT_FALSE(result.is_ok());
  EXPECT_NE(result.status().message().find("Error: late"), std::string::npos)
      << result.status().message();
  EXPECT_NE(result.status().message().find("nodes/late.ts:1:"), std::string::npos);
}

TEST_F(RuntimeTest, StripTypesKeepsLineNumbers) {
  std::string ts = "interface A {\n  a: number;\n}\nconst x: A = { a: 1 };\nexport default x;\n";
  Result<std::string> js = runtime_->strip_types(ts, "a.ts");
  ASSERT_TRUE(js.is_ok()) << js.status().message();
  EXPECT_EQ(std::count(js.value().begin(), js.value().end(), '\n'),
            std::count(ts.begin(), ts.end(), '\n'));
  EXPECT_NE(js.value().find("const x = { a: 1 };"), std::string::npos) << js.value();
}

}  // namespace
}  // namespace pd::js

namespace pd::js {
namespace {

TEST_F(RuntimeTest, UnhandledRejectionsFailTheCallWithTheirStack) {
  write("nodes/leak.ts",
        "export default async () => {\n"
        "  Promise.reject(new Error('forgotten'));\n"
        "  await new Promise((r) => setTimeout(r, 10));\n"
        "  return 1;\n"
        "};\n");
  Result<NodeCall> result = call("nodes/leak.ts");
  ASSERT_FALSE(result.is_ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(result.status().message().starts_with(
      "Uncaught (in promise) Error: forgotten\n    at default (nodes/leak.ts:2:18)"))
      << result.status().message();
}

TEST_F(RuntimeTest, TopLevelAwaitIsAwaitedBeforeTheCall) {
  write("nodes/tla.ts",
        "const ready = await new Promise<string>((r) => setTimeout(() => r('ready'), 5));\n"
        "export default () => ready;\n");
  Result<NodeCall> result = call("nodes/tla.ts");
  ASSERT_TRUE(result.is_ok()) << result.status().message();
  EXPECT_EQ(result.value().output, "ready");
}

TEST_F(RuntimeTest, ResultsThatAreNotJsonSayWhy) {
  write("nodes/big.ts", "export default () => ({ n: 1n });\n");
  Result<NodeCall> result = call("nodes/big.ts");
  ASSERT_FALSE(result.is_ok());
  EXPECT_EQ(result.status().message(),
            "nodes/big.ts: the node's result cannot be turned into JSON: TypeError: Do not know "
            "how to serialize a BigInt");
}

class LongLivedRuntimeTest : public RuntimeTest {
 protected:
  void SetUp() override {
    dir_ = temp_.path();
    RuntimeOptions options{dir_, 64};
    options.mode = ContextMode::kLongLived;
    runtime_ = std::make_unique<Runtime>(platform(), options);
  }
};

TEST_F(LongLivedRuntimeTest, ModuleStatePersistsBetweenCallsOfANode) {
  write("nodes/count.ts", "let calls = 0;\nexport default () => ++calls;\n");
  write("nodes/other.ts", "let calls = 100;\nexport default () => ++calls;\n");
  ASSERT_TRUE(runtime_->preload({"nodes/count.ts", "nodes/other.ts"}).is_ok());
  EXPECT_EQ(call("nodes/count.ts").value().output, 1);
  EXPECT_EQ(call("nodes/count.ts").value().output, 2);
  EXPECT_EQ(call("nodes/other.ts").value().output, 101);
}

TEST_F(LongLivedRuntimeTest, PreloadReportsABadDefaultExport) {
  write("nodes/bad.ts", "export default 42;\n");
  Status status = runtime_->preload({"nodes/bad.ts"});
  EXPECT_EQ(status.message(),
            "nodes/bad.ts: expected `export default async function run(ctx, input)`, found a "
            "default export that is not a function");
}

TEST_F(LongLivedRuntimeTest, ATimedOutCallIsStoppedNotLeftRunning) {
  write("nodes/slow.ts",
        "let fired = 0;\n"
        "export default async (_c: unknown, input: { hang: boolean }) => {\n"
        "  if (!input.hang) return fired;\n"
        "  await new Promise((r) => setTimeout(() => { fired++; r(null); }, 150));\n"
        "  return 'late';\n"
        "};\n");
  Result<NodeCall> hung =
      runtime_->call_node("nodes/slow.ts", {}, {{"hang", true}}, std::chrono::milliseconds(50));
  ASSERT_FALSE(hung.is_ok());
  EXPECT_EQ(hung.status().code(), StatusCode::kDeadlineExceeded);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // past the node's own timer
  // Its context was torn down with the timer: the next call starts from fresh module state.
  EXPECT_EQ(call("nodes/slow.ts", {{"hang", false}}).value().output, 0);
}

TEST_F(LongLivedRuntimeTest, ConcurrentCallsInterleaveAtAwaitPoints) {
  write("nodes/wait.ts",
        "export default async (_ctx: unknown, input: { ms: number }) => {\n"
        "  await new Promise((r) => setTimeout(r, input.ms));\n"
        "  return input.ms;\n"
        "};\n");
  std::mutex mutex;
  std::condition_variable done;
  std::vector<int> finished;
  for (int ms : {60, 10, 30}) {
    runtime_->call_node_async("nodes/wait.ts", nlohmann::json::object(), {{"ms", ms}},
                              CallOptions{}, [&](Result<NodeCall> r) {
                                std::lock_guard<std::mutex> lock(mutex);
                                finished.push_back(r.value().output.get<int>());
                                done.notify_all();
                              });
  }
  std::unique_lock<std::mutex> lock(mutex);
  ASSERT_TRUE(done.wait_for(lock, std::chrono::seconds(5), [&] { return finished.size() == 3; }));
  EXPECT_EQ(finished, (std::vector<int>{10, 30, 60}));
}

// After a module's first call it has evaluated, and calls skip awaiting it (hooks.callNode):
// plain values, throws, promises and other thenables still settle as `await` would take them.
TEST_F(LongLivedRuntimeTest, EveryKindOfResultSettlesOnceTheModuleHasEvaluated) {
  write(
      "nodes/kinds.ts",
      "let calls = 0;\n"
      "export default (_ctx: unknown, input: { kind: string }) => {\n"
      "  calls++;\n"
      "  switch (input.kind) {\n"
      "    case 'plain': return { calls };\n"
      "    case 'throw': throw new Error('thrown at once');\n"
      "    case 'promise': return Promise.resolve('from a promise');\n"
      "    case 'thenable': return { then(ok: (v: unknown) => void) { ok('from a thenable'); } };\n"
      "    case 'bad-then': return { get then() { throw new Error('then getter'); } };\n"
      "    case 'rejects': return Promise.reject(new Error('rejected'));\n"
      "    default: return undefined;\n"
      "  }\n"
      "};\n");
  for (int round = 0; round < 2; ++round) {  // the first call awaits the evaluation, later don't
    SCOPED_TRACE(round);
    Result<NodeCall> plain = call("nodes/kinds.ts", {{"kind", "plain"}});
    ASSERT_TRUE(plain.is_ok()) << plain.status().message();
    EXPECT_EQ(plain.value().output_json, "{\"calls\":" + std::to_string(round * 7 + 1) + "}");
    Result<NodeCall> thrown = call("nodes/kinds.ts", {{"kind", "throw"}});
    ASSERT_FALSE(thrown.is_ok());
    EXPECT_NE(thrown.status().message().find("thrown at once"), std::string::npos);
    EXPECT_EQ(call("nodes/kinds.ts", {{"kind", "promise"}}).value().output, "from a promise");
    EXPECT_EQ(call("nodes/kinds.ts", {{"kind", "thenable"}}).value().output, "from a thenable");
    Result<NodeCall> bad_then = call("nodes/kinds.ts", {{"kind", "bad-then"}});
    ASSERT_FALSE(bad_then.is_ok());
    EXPECT_NE(bad_then.status().message().find("then getter"), std::string::npos);
    Result<NodeCall> rejected = call("nodes/kinds.ts", {{"kind", "rejects"}});
    ASSERT_FALSE(rejected.is_ok());
    EXPECT_NE(rejected.status().message().find("rejected"), std::string::npos);
    Result<NodeCall> nothing = call("nodes/kinds.ts", {{"kind", "none"}});
    ASSERT_TRUE(nothing.is_ok());
    EXPECT_TRUE(nothing.value().output.is_null());
  }
}

// ctx_shared_json: members many calls share, copied for each call from a literal compiled once
// per context; a call's changes to its copy stay with it, and text that cannot be a literal
// ("__proto__", nesting too deep for the compiler) is parsed instead, with the same result.
TEST_F(LongLivedRuntimeTest, SharedCtxMembersAreCopiedForEachCall) {
  write("nodes/seen.ts",
        "export default (ctx: any) => {\n"
        "  const seen = { node: ctx.node, keys: Object.keys(ctx), list: [...ctx.config.list],\n"
        "    own: Object.hasOwn(ctx.config, '__proto__'), proto: Object.getPrototypeOf(ctx.config) "
        "=== Object.prototype };\n"
        "  ctx.config.list.push('changed');\n"
        "  return seen;\n"
        "};\n");
  auto call_with = [&](const std::string& node, std::shared_ptr<const std::string> shared) {
    CallOptions options;
    options.ctx_node = node;
    options.ctx_execution_id = "e1";
    options.ctx_shared_json = std::move(shared);
    return runtime_->call_node("nodes/seen.ts", {}, {}, options);
  };
  auto literal = std::make_shared<const std::string>(R"({"config":{"list":["a",{"b":1}]}})");
  for (const char* node : {"n1", "n2"}) {
    Result<NodeCall> result = call_with(node, literal);
    ASSERT_TRUE(result.is_ok()) << result.status().message();
    EXPECT_EQ(result.value().output_json,
              std::string(R"({"node":")") + node +
                  R"(","keys":["node","executionId","config"],"list":["a",{"b":1}],"own":false,)"
                  R"("proto":true})");
  }
  // The same text at another address is the same members; other text replaces them.
  EXPECT_EQ(call_with("n3", std::make_shared<const std::string>(*literal)).value().output["list"],
            nlohmann::json::parse(R"(["a",{"b":1}])"));
  auto proto = std::make_shared<const std::string>(
      R"({"config":{"list":[],"__proto__":{"polluted":true}}})");
  for (int i = 0; i < 2; ++i) {
    Result<NodeCall> result = call_with("n4", proto);
    ASSERT_TRUE(result.is_ok()) << result.status().message();
    EXPECT_EQ(result.value().output["own"], true);  // JSON.parse's own member, not a prototype
    EXPECT_EQ(result.value().output["proto"], true);
  }
  std::string deep = R"({"config":{"list":[1],"deep":)";
  for (int i = 0; i < 100000; ++i) deep += "[";
  for (int i = 0; i < 100000; ++i) deep += "]";
  deep += "}}";
  Result<NodeCall> nested = call_with("n5", std::make_shared<const std::string>(deep));
  ASSERT_TRUE(nested.is_ok()) << nested.status().message();
  EXPECT_EQ(nested.value().output["list"], nlohmann::json::parse("[1]"));
}

TEST_F(RuntimeTest, VirtualTimeFiresTimersWithoutWaiting) {
  ManualClock clock(std::chrono::system_clock::from_time_t(1767225600));  // 2026-01-01T00:00:00Z
  SeededRandom random(7);
  RuntimeOptions options{dir_, 64};
  options.manual_clock = &clock;
  options.random = &random;
  Runtime runtime(platform(), options);
  write("nodes/sleepy.ts",
        "export default async () => {\n"
        "  const before = new Date().toISOString();\n"
        "  await new Promise((r) => setTimeout(r, 60 * 60 * 1000));\n"
        "  return { before, after: new Date(Date.now()).toISOString(), r: Math.random() };\n"
        "};\n");
  auto started = std::chrono::steady_clock::now();
  Result<NodeCall> first = runtime.call_node("nodes/sleepy.ts", {}, {}, std::chrono::seconds(5));
  ASSERT_TRUE(first.is_ok()) << first.status().message();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
  EXPECT_EQ(first.value().output["before"], "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(first.value().output["after"], "2026-01-01T01:00:00.000Z");
  SeededRandom again(7);
  uint64_t bits = 0;
  again.fill(reinterpret_cast<uint8_t*>(&bits), sizeof(bits));
  EXPECT_EQ(first.value().output["r"].get<double>(),
            static_cast<double>(bits >> 11) / static_cast<double>(1ull << 53));
}

TEST_F(RuntimeTest, NetworkAccessIsDeniedUnlessTheCallGrantsIt) {
  write("nodes/net.ts",
        "export default async () => {\n"
        "  try { await fetch('http://127.0.0.1:9/'); return 'sent'; }\n"
        "  catch (e) { return `${(e as Error).name}: ${(e as Error).message}`; }\n"
        "};\n");
  Result<NodeCall> denied = call("nodes/net.ts");
  ASSERT_TRUE(denied.is_ok()) << denied.status().message();
  EXPECT_EQ(denied.value().output,
            "PermissionDenied: Requires net access to \"127.0.0.1:9\": add \"127.0.0.1\" to the "
            "node's capabilities.net in workflow.yaml");
  Result<NodeCall> granted = runtime_->call_node(
      "nodes/net.ts", {}, {}, CallOptions{std::chrono::seconds(5), NetPolicy({"127.0.0.1"})});
  ASSERT_TRUE(granted.is_ok()) << granted.status().message();
  EXPECT_TRUE(granted.value().output.get<std::string>().starts_with(
      "TypeError: error sending request for url (http://127.0.0.1:9/)"))
      << granted.value().output;
}

TEST_F(RuntimeTest, TransformsAndCodeCachesPersistInTheCacheFolder) {
  TempDir cache_dir("pd-js-cache");
  RuntimeOptions options{dir_, 64};
  options.transform_cache = std::make_shared<TransformCache>(cache_dir.path());
  write("nodes/typed.ts", "export default (_c: unknown, i: { n: number }): number => i.n * 2;\n");
  {
    Runtime runtime(platform(), options);
    EXPECT_EQ(
        runtime.call_node("nodes/typed.ts", {}, {{"n", 2}}, std::chrono::seconds(5)).value().output,
        4);
  }
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(cache_dir.path())) {
    files += entry.path().extension() == ".js" || entry.path().extension() == ".v8";
  }
  EXPECT_EQ(files, 2u);  // the stripped JavaScript and its V8 code cache
  options.transform_cache = std::make_shared<TransformCache>(cache_dir.path());
  Runtime again(platform(), options);
  EXPECT_EQ(
      again.call_node("nodes/typed.ts", {}, {{"n", 3}}, std::chrono::seconds(5)).value().output, 6);
}

TEST(RuntimePool, SpreadsCallsOverItsRuntimes) {
  TempDir dir("pd-js-pool");
  std::filesystem::create_directories(dir.path() / "nodes");
  // Module state is per isolate (long-lived contexts): the counts show which runtime ran a call.
  std::ofstream(dir.path() / "nodes/count.js")
      << "let calls = 0;\nexport default async () => { const n = ++calls;\n"
         "  await new Promise((r) => setTimeout(r, 20)); return n; };\n";
  RuntimeOptions options{dir.path(), 64};
  options.mode = ContextMode::kLongLived;
  RuntimePool pool(platform(), options, 2);
  EXPECT_EQ(pool.size(), 2u);
  std::mutex mutex;
  std::condition_variable done;
  std::vector<int> counts;
  for (int i = 0; i < 4; ++i) {
    pool.call_node_async("nodes/count.js", {}, {}, CallOptions{}, [&](Result<NodeCall> r) {
      std::lock_guard<std::mutex> lock(mutex);
      counts.push_back(r.value().output.get<int>());
      done.notify_all();
    });
  }
  std::unique_lock<std::mutex> lock(mutex);
  ASSERT_TRUE(done.wait_for(lock, std::chrono::seconds(10), [&] { return counts.size() == 4; }));
  std::sort(counts.begin(), counts.end());
  EXPECT_EQ(counts, (std::vector<int>{1, 1, 2, 2}));
}

TEST(RuntimePool, PicksThePreferredRuntimeElseTheLeastBusy) {
  TempDir dir("pd-js-pool-pick");
  RuntimeOptions options{dir.path(), 64};
  RuntimePool pool(platform(), options, 2);
  EXPECT_EQ(pool.pick(1), 1u);
  EXPECT_EQ(pool.pick(0), 0u);
  EXPECT_EQ(pool.pick(-1), 0u);  // both idle: the first
  EXPECT_EQ(pool.pick(7), 0u);   // out of range: as if none were named
}

TEST_F(RuntimeTest, AContextScriptBuildsTheNodesCtx) {
  RuntimeOptions options{dir_, 64};
  options.context_script =
      "(api) => (data) => ({ name: data.name, log: (m) => api.log('info', m, { message: m }),\n"
      "  probe: async () => { try { await api.fetchAllowing('api.example.com', "
      "'http://127.0.0.1:9/'); }\n"
      "    catch (e) { return e.name; } } })";
  Runtime runtime(platform(), options);
  write("nodes/ctx.ts",
        "export default async (ctx: any) => { ctx.log('hello'); return [ctx.name, await "
        "ctx.probe()]; };\n");
  Result<NodeCall> result =
      runtime.call_node("nodes/ctx.ts", {{"name", "n1"}}, {}, std::chrono::seconds(5));
  ASSERT_TRUE(result.is_ok()) << result.status().message();
  // fetchAllowing reaches api.example.com only: 127.0.0.1 stays denied.
  EXPECT_EQ(result.value().output, nlohmann::json::parse(R"(["n1", "PermissionDenied"])"));
  ASSERT_EQ(result.value().console.size(), 1u);
  EXPECT_EQ(result.value().console[0].level, "info");
  EXPECT_EQ(result.value().console[0].record, nlohmann::json::parse(R"({"message": "hello"})"));
}

// A context script that gives no ctx builder fails the call at once, saying so, instead of
// leaving it to its timeout.
TEST_F(RuntimeTest, AContextScriptThatGivesNoBuilderFailsTheCall) {
  RuntimeOptions options{dir_, 64};
  options.context_script = "(api) => 42";
  Runtime runtime(platform(), options);
  write("nodes/any.ts", "export default () => 1;\n");
  auto started = std::chrono::steady_clock::now();
  Result<NodeCall> result = runtime.call_node("nodes/any.ts", {}, {}, std::chrono::seconds(5));
  ASSERT_FALSE(result.is_ok());
  EXPECT_NE(result.status().message().find("ctx builder"), std::string::npos)
      << result.status().message();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
}

}  // namespace
}  // namespace pd::js
