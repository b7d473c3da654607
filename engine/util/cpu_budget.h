// How many CPUs this process may keep busy, so that the engine starts as many isolates as it can
// use: in a Kubernetes pod with `resources.limits.cpu: 2` on a 32-core node, 2, not 32 (more
// threads than the CPU quota only queue behind each other and get throttled).
#pragma once

#include <optional>
#include <string_view>

namespace pd {

// The CPU limit cgroups put on this process, in CPUs (e.g. 1.5): cpu.max (cgroup v2) or
// cpu.cfs_quota_us / cpu.cfs_period_us (v1), the lowest from its own cgroup up to the root of
// the hierarchy. Takes the text of /proc/self/cgroup and /proc/self/mountinfo; reads the limit
// files where mountinfo says the hierarchy is mounted. None when unlimited or unreadable.
std::optional<double> cgroup_cpu_limit(std::string_view proc_self_cgroup,
                                       std::string_view proc_self_mountinfo);

// CPUs usable given those the process may run on and a cgroup limit: the limit rounded up when
// lower, and at least 1.
unsigned usable_cpus(unsigned may_run_on, std::optional<double> cgroup_limit);

// The same for this process: sched_getaffinity (what taskset and cpusets allow) and the cgroup
// limit read from /proc.
unsigned usable_cpus();

}  // namespace pd
