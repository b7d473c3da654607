// JetStream through the engine vs raw: messages/s of a queue trigger running a trivial 3-node
// workflow (QueueConsumer + V8), against the raw consume+ack rate of the same nats-server in the
// same run (a pull consumer fetching 256 at a time and acking each), in alternating rounds.
// Target: >= 50% of raw.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>

#include "engine/nats/pull_consumer.h"
#include "engine/server/queue_consumer.h"
#include "engine/spec/test_workflow_dir.h"
#include "tests/nats_server_process.h"

using namespace pd;
using Steady = std::chrono::steady_clock;

namespace {

// NATS_BENCH_MESSAGES overrides the count (a longer run to profile).
int message_count() {
  const char* count = std::getenv("NATS_BENCH_MESSAGES");
  return count ? std::max(1000, std::atoi(count)) : 20000;
}
const int kMessages = message_count();

void publish(nats::NatsClient& client, const std::string& subject) {
  for (int i = 0; i < kMessages; ++i) {
    nats::Message message{
        subject, "{\"n\": " + std::to_string(i) + "}", {{"Content-Type", "application/json"}}, ""};
    if (!client.publish_durably(message, "", std::chrono::seconds(5)).is_ok()) {
      std::fprintf(stderr, "publish failed\n");
      std::exit(1);
    }
  }
}

// This process's CPU time (user + system) and voluntary context switches so far: per message,
// they say what a phase cost, however noisy this VM's wall clock is.
struct ProcessCost {
  double cpu_seconds;
  double system_seconds;  // of cpu_seconds, in the kernel: syscalls, wake-ups
  long switches;
  static ProcessCost now() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
    return {seconds(usage.ru_utime) + seconds(usage.ru_stime), seconds(usage.ru_stime),
            usage.ru_nvcsw};
  }
  std::string per_message_since(const ProcessCost& start) const {
    char text[160];
    std::snprintf(text, sizeof(text),
                  "%.1f us CPU (%.1f in the kernel) and %.2f context switches per message",
                  (cpu_seconds - start.cpu_seconds) * 1e6 / kMessages,
                  (system_seconds - start.system_seconds) * 1e6 / kMessages,
                  static_cast<double>(switches - start.switches) / kMessages);
    return text;
  }
};

// CPU seconds (user + system) in a /proc stat file, of a process or one of its threads: utime
// and stime are fields 14 and 15, after the parenthesised name.
double stat_cpu_seconds(const std::filesystem::path& stat_file) {
  std::ifstream stat(stat_file);
  std::string line;
  std::getline(stat, line);
  std::istringstream fields(line.substr(line.rfind(')') + 2));
  std::string field;
  double seconds = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i >= 14) seconds += std::atof(field.c_str()) / static_cast<double>(sysconf(_SC_CLK_TCK));
  }
  return seconds;
}

// Idle and total jiffies of the whole machine so far (the first line of /proc/stat): whether a
// phase left cores idle, i.e. waited on something other than CPU.
struct MachineJiffies {
  double idle = 0, steal = 0, total = 0;
  static MachineJiffies now() {
    std::ifstream stat("/proc/stat");
    std::string cpu;
    stat >> cpu;
    MachineJiffies out;
    double value;
    for (int field = 0; field < 8 && stat >> value; ++field) {
      out.total += value;
      if (field == 3 || field == 4) out.idle += value;  // idle, iowait
      if (field == 7) out.steal += value;  // the hypervisor ran someone else
    }
    return out;
  }
};

// What the nats-server (process `pid`) has spent so far.
double process_cpu_seconds(pid_t pid) {
  return stat_cpu_seconds("/proc/" + std::to_string(pid) + "/stat");
}

// Read and write system calls the nats-server has made so far (/proc/PID/io's syscr and
// syscw): how many messages each of its socket reads or writes carried. (cnats uses recv and
// send, which these do not count, so the engine's own are not shown.)
struct SyscallCount {
  double reads = 0, writes = 0;
  static SyscallCount of(pid_t pid) {
    std::ifstream io("/proc/" + std::to_string(pid) + "/io");
    SyscallCount out;
    std::string key;
    double value;
    while (io >> key >> value) {
      if (key == "syscr:") out.reads = value;
      if (key == "syscw:") out.writes = value;
    }
    return out;
  }
};

// Voluntary context switches and CPU seconds by thread name, summed over the threads of each name.
struct ThreadCost {
  long switches = 0;
  double cpu_seconds = 0;
};
std::map<std::string, ThreadCost> cost_by_thread() {
  std::map<std::string, ThreadCost> out;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm"), status(task.path() / "status");
    std::string name, line;
    std::getline(comm, name);
    while (std::getline(status, line)) {
      if (line.rfind("voluntary_ctxt_switches:", 0) == 0)
        out[name].switches += std::atol(line.c_str() + 24);
    }
    out[name].cpu_seconds += stat_cpu_seconds(task.path() / "stat");
  }
  return out;
}

// NATS_BENCH_ROUNDS: raw and engine phases alternate this many times (default 5), so that each
// engine phase has an anchor measured next to it; this VM's speed drifts within a run.
int round_count() {
  const char* rounds = std::getenv("NATS_BENCH_ROUNDS");
  return rounds ? std::max(1, std::atoi(rounds)) : 5;
}

struct Phase {
  double rate = 0;
  double idle_percent = 0;   // of the machine's CPU time during the phase
  double steal_percent = 0;  // of the same: taken by the hypervisor
  std::string cost;  // this process's CPU and context switches per message
  double server_us = 0;
  SyscallCount server_calls;  // per message
};

// Measures one phase: made at its start, `finish` at its end.
struct PhaseStopwatch {
  pid_t server_pid;
  Steady::time_point started = Steady::now();
  ProcessCost cost = ProcessCost::now();
  double server_before = process_cpu_seconds(server_pid);
  MachineJiffies machine = MachineJiffies::now();
  SyscallCount server_calls = SyscallCount::of(server_pid);

  Phase finish() const {
    MachineJiffies machine_now = MachineJiffies::now();
    SyscallCount server_now = SyscallCount::of(server_pid);
    return {kMessages / std::chrono::duration<double>(Steady::now() - started).count(),
            100.0 * (machine_now.idle - machine.idle) / (machine_now.total - machine.total),
            100.0 * (machine_now.steal - machine.steal) / (machine_now.total - machine.total),
            ProcessCost::now().per_message_since(cost),
            (process_cpu_seconds(server_pid) - server_before) * 1e6 / kMessages,
            {(server_now.reads - server_calls.reads) / kMessages,
             (server_now.writes - server_calls.writes) / kMessages}};
  }
};

}  // namespace

int main() {
  testing::NatsServerProcess server;
  if (!server.start()) {
    std::fprintf(stderr, "nats-server did not start:\n%s\n", server.log().c_str());
    return 1;
  }
  nats::ConnectSettings settings;
  settings.urls = {server.url()};
  auto client = std::move(nats::NatsClient::connect(settings)).value();
  client->wait_connected(std::chrono::seconds(5));
  client->ensure_stream("RAW", {"raw.in"});
  client->ensure_stream("ENGINE", {"engine.in"});
  auto raw =
      std::move(nats::PullConsumer::open(*client, {"RAW", "raw", "raw.in", std::chrono::seconds(30),
                                                   5, "all", std::nullopt, 10000}))
          .value();

  // The engine: a queue trigger on a JetStream subject, trivial 3-node workflow.
  spec::testing::TestWorkflowDir dir;
  dir.write("nodes/step.js", "export default (_ctx, input) => ({ n: (input.n ?? 0) + 1 });\n");
  dir.write(
      "workflow.yaml",
      "name: trivial\nversion: \"1.0\"\ntriggers:\n  - type: queue\n    name: in\n"
      "    subject: engine.in\n    max_in_flight: 256\n    jetstream: {stream: ENGINE}\n"
      "nodes:\n  a: {path: nodes/step.js}\n  b: {path: nodes/step.js}\n  c: {path: nodes/step.js}\n"
      "edges:\n  - {from: a, to: b}\n  - {from: b, to: c}\n");
  js::V8Platform platform;
  exec::WorkflowRuntimeOptions options;
  options.workflow_dir = dir.path();
  options.mounted_secrets = dir.path() / "none";
  options.config_dir = dir.path() / "none";
  options.outputs_as_text = true;  // as pd-engine serve
  // NATS_BENCH_ISOLATES: how many isolates (default: one per usable CPU, as pd-engine serve).
  if (const char* isolates = std::getenv("NATS_BENCH_ISOLATES")) {
    options.isolates = static_cast<size_t>(std::max(1, std::atoi(isolates)));
  }
  auto runtime = exec::WorkflowRuntime::open(platform, options);
  if (!runtime.is_ok()) {
    std::fprintf(stderr, "%s\n", runtime.status().message().c_str());
    return 1;
  }
  server::Metrics metrics;

  // Raw: fetch 256 at a time + ack each.
  auto raw_phase = [&] {
    publish(*client, "raw.in");
    PhaseStopwatch stopwatch{server.pid()};
    int consumed = 0;
    while (consumed < kMessages) {
      auto batch = raw->fetch(256, std::chrono::seconds(1));
      if (!batch.is_ok()) std::exit(1);
      for (auto& delivery : batch.value()) {
        delivery->ack();
        ++consumed;
      }
    }
    return stopwatch.finish();
  };
  auto engine_phase = [&] {
    publish(*client, "engine.in");
    server::QueueConsumer consumer(*runtime.value(), *client, metrics,
                                   runtime.value()->workflow().triggers[0]);
    double done_before = metrics.counter("success", "in");
    PhaseStopwatch stopwatch{server.pid()};
    std::map<std::string, ThreadCost> threads_before = cost_by_thread();
    if (!consumer.start().is_ok()) std::exit(1);
    while (metrics.counter("success", "in") - done_before < kMessages)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    Phase phase = stopwatch.finish();
    if (std::getenv("NATS_BENCH_THREADS")) {
      // Threads started with the consumer count from zero.
      for (const auto& [name, thread_cost] : cost_by_thread()) {
        const ThreadCost& before = threads_before[name];
        std::printf("    %-16s %.3f voluntary switches, %.1f us CPU per message\n", name.c_str(),
                    static_cast<double>(thread_cost.switches - before.switches) / kMessages,
                    (thread_cost.cpu_seconds - before.cpu_seconds) * 1e6 / kMessages);
      }
    }
    consumer.stop(std::chrono::seconds(5));
    return phase;
  };

  std::vector<double> ratios;
  for (int round = 1; round <= round_count(); ++round) {
    Phase anchor = raw_phase();
    Phase engine = engine_phase();
    ratios.push_back(engine.rate / anchor.rate);
    std::printf(
        "  round %d: JetStream queue trigger, 3-node trivial workflow: %.0f messages/s | anchor "
        "raw pull consume+ack, same server: %.0f messages/s | ratio %.0f%%\n",
        round, engine.rate, anchor.rate, 100.0 * ratios.back());
    std::printf("    in this process: %s (the raw client: %s)\n", engine.cost.c_str(),
                anchor.cost.c_str());
    std::printf("    nats-server: %.1f us CPU per message (raw phase: %.1f us)\n",
                engine.server_us, anchor.server_us);
    std::printf("    nats-server reads/writes per message: %.3f/%.3f (raw phase: %.3f/%.3f)\n",
                engine.server_calls.reads, engine.server_calls.writes, anchor.server_calls.reads,
                anchor.server_calls.writes);
    std::printf(
        "    machine idle: %.0f%% of its CPU time, stolen by the hypervisor: %.0f%% (raw phase: "
        "%.0f%%, %.0f%%)\n",
        engine.idle_percent, engine.steal_percent, anchor.idle_percent, anchor.steal_percent);
  }
  std::sort(ratios.begin(), ratios.end());
  std::printf("  %d messages per phase; median ratio %.0f%% (target >= 50%%)\n", kMessages,
              100.0 * ratios[ratios.size() / 2]);
  return 0;
}
