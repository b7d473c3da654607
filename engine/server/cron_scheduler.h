// In-engine cron for `pd-engine serve` outside Kubernetes (in a cluster, kubectl pd deploy makes
// CronJobs instead; `--cron auto|on|off` selects, auto = on unless KUBERNETES_SERVICE_HOST is
// set). Each cron trigger runs the workflow with {"trigger": "<name>"} at the schedule's times in
// its `timezone` (UTC by default). Like the CronJobs (concurrencyPolicy Forbid), a run that is
// due while the previous run of the same trigger is still going is skipped and logged; runs
// missed while the engine was down are not made up.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/exec/workflow_runtime.h"
#include "engine/server/metrics.h"
#include "engine/spec/cron_schedule.h"

namespace pd::server {

struct CronSchedulerOptions {
  const Clock* clock = nullptr;  // the system clock when null
  std::function<void(const nlohmann::json&)> log;
  std::chrono::milliseconds poll{200};  // how often the clock is looked at while waiting
};

class CronScheduler {
 public:
  // Errors name the trigger whose schedule or time zone cannot be used.
  static Result<std::unique_ptr<CronScheduler>> start(exec::WorkflowRuntime& runtime,
                                                      Metrics& metrics, CronSchedulerOptions options);
  // Stops scheduling and waits for the runs in flight, however long: they call back into it.
  ~CronScheduler();
  // Stops scheduling and waits up to `grace` for runs in flight: stop_taking(), then
  // wait_finished(now + grace).
  void stop(std::chrono::milliseconds grace);
  // Stops scheduling; runs in flight go on. Returns at once, whatever they do.
  void stop_taking();
  // Waits until no run is in flight or until `deadline`, whichever comes first; true when none
  // is.
  bool wait_finished(std::chrono::steady_clock::time_point deadline);
  int started(const std::string& trigger) const;
  int skipped(const std::string& trigger) const;

 private:
  struct Entry {
    std::string name;
    spec::CronFields fields;
    TimeZone zone;
    std::chrono::system_clock::time_point next;
    bool running = false;
    int started = 0;
    int skipped = 0;
  };
  CronScheduler(exec::WorkflowRuntime& runtime, Metrics& metrics, CronSchedulerOptions options)
      : runtime_(runtime), metrics_(metrics), options_(std::move(options)) {}
  void loop();
  void fire(Entry& entry);
  const Clock& clock() const { return options_.clock ? *options_.clock : system_clock_; }

  exec::WorkflowRuntime& runtime_;
  Metrics& metrics_;
  CronSchedulerOptions options_;
  SystemClock system_clock_;
  std::vector<Entry> entries_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool stopping_ = false;
  int running_ = 0;
  std::thread thread_;
};

}  // namespace pd::server
