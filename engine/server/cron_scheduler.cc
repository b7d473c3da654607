#include "engine/server/cron_scheduler.h"

namespace pd::server {

Result<std::unique_ptr<CronScheduler>> CronScheduler::start(exec::WorkflowRuntime& runtime,
                                                            Metrics& metrics,
                                                            CronSchedulerOptions options) {
  std::unique_ptr<CronScheduler> scheduler(new CronScheduler(runtime, metrics, std::move(options)));
  int index = 0;
  for (const spec::Trigger& trigger : runtime.workflow().triggers) {
    const auto* cron = std::get_if<spec::CronTrigger>(&trigger.kind);
    if (!cron) continue;
    ++index;
    std::string name = !trigger.name.empty() ? trigger.name : "cron" + (index > 1 ? "-" + std::to_string(index) : "");
    Result<spec::CronFields> fields = spec::parse_cron_schedule(cron->schedule);
    if (!fields.is_ok()) return invalid_argument("cron trigger \"" + name + "\": " + fields.status().message());
    Result<TimeZone> zone = TimeZone::load(cron->timezone);
    if (!zone.is_ok()) return Status(zone.status().code(), "cron trigger \"" + name + "\": " + zone.status().message());
    Entry entry{name, fields.value(), zone.value(), {}};
    std::optional<std::chrono::system_clock::time_point> next =
        spec::next_cron_time(entry.fields, entry.zone, scheduler->clock().now());
    entry.next = next.value_or(std::chrono::system_clock::time_point::max());
    if (scheduler->options_.log) {
      scheduler->options_.log({{"level", "info"}, {"message", "cron scheduled"}, {"trigger", name},
                               {"schedule", cron->schedule}, {"timezone", zone.value().name()},
                               {"next", next ? format_rfc3339(*next) : "never"}});
    }
    scheduler->entries_.push_back(std::move(entry));
  }
  scheduler->thread_ = std::thread([s = scheduler.get()] { s->loop(); });
  return scheduler;
}

CronScheduler::~CronScheduler() {
  stop_taking();
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return running_ == 0; });
}

void CronScheduler::stop(std::chrono::milliseconds grace) {
  auto deadline = std::chrono::steady_clock::now() + grace;
  stop_taking();
  wait_finished(deadline);
}

void CronScheduler::stop_taking() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    changed_.notify_all();
  }
  // The scheduling thread; runs it fired end on the isolates.
  if (thread_.joinable()) thread_.join();
}

bool CronScheduler::wait_finished(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_until(lock, deadline, [this] { return running_ == 0; });
}

int CronScheduler::started(const std::string& trigger) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const Entry& e : entries_) {
    if (e.name == trigger) return e.started;
  }
  return 0;
}

int CronScheduler::skipped(const std::string& trigger) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const Entry& e : entries_) {
    if (e.name == trigger) return e.skipped;
  }
  return 0;
}

void CronScheduler::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    auto now = clock().now();
    std::vector<Entry*> due;
    for (Entry& entry : entries_) {
      if (entry.next > now) continue;
      entry.next = spec::next_cron_time(entry.fields, entry.zone, now)
                       .value_or(std::chrono::system_clock::time_point::max());
      if (entry.running) {
        ++entry.skipped;
        if (options_.log) {
          options_.log({{"level", "warn"}, {"message", "cron run skipped: the previous run is still going"},
                        {"trigger", entry.name}});
        }
        continue;
      }
      entry.running = true;
      ++entry.started;
      ++running_;
      due.push_back(&entry);
    }
    if (!due.empty()) {
      lock.unlock();  // a run may finish (and take the lock) before execute returns
      for (Entry* entry : due) fire(*entry);
      lock.lock();
    }
    // Poll: the clock may be a test's manual one, and wall time can jump.
    changed_.wait_for(lock, options_.poll, [this] { return stopping_; });
  }
}

void CronScheduler::fire(Entry& entry) {
  metrics_.execution_started();
  auto started = std::chrono::steady_clock::now();
  std::string name = entry.name;
  Entry* target = &entry;
  runtime_.execute({.input = {{"trigger", name}}}, [this, target, name, started](exec::ExecutionResult result) {
    metrics_.execution_finished(
        name, result.success,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    if (options_.log) {
      options_.log({{"level", result.success ? "info" : "error"}, {"message", "cron run finished"},
                    {"trigger", name}, {"success", result.success},
                    {"executionId", result.execution_id}, {"errors", result.errors}});
    }
    std::lock_guard<std::mutex> lock(mutex_);
    target->running = false;
    --running_;
    changed_.notify_all();
  });
}

}  // namespace pd::server
