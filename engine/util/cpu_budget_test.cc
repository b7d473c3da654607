#include "engine/util/cpu_budget.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "engine/util/temp_dir.h"

namespace pd {
namespace {

// A cgroup file tree in a temp folder, and mountinfo lines that mount it there.
class CgroupTree {
 public:
  void write(const std::string& relative, const std::string& content) {
    std::filesystem::path file = dir_.path() / relative;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << content << "\n";
  }
  std::string mount_v2(const std::string& root = "/") const {
    return "30 23 0:26 " + root + " " + dir_.path().string() +
           " rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";
  }
  std::string mount_v1_cpu(const std::string& root = "/") const {
    return "23 1 0:21 / / rw - ext4 /dev/sda1 rw\n32 31 0:29 " + root + " " + dir_.path().string() +
           " rw,relatime shared:9 - cgroup cgroup rw,cpu,cpuacct\n";
  }

 private:
  TempDir dir_;
};

TEST(CpuBudget, ReadsTheLowestCgroupV2LimitOnThePathToTheRoot) {
  CgroupTree tree;
  tree.write("cpu.max", "max 100000");
  tree.write("kubepods/cpu.max", "400000 100000");
  tree.write("kubepods/pod1/cpu.max", "150000 100000");  // limits.cpu: 1500m
  tree.write("kubepods/pod1/ctr/cpu.max", "max 100000");
  EXPECT_EQ(cgroup_cpu_limit("0::/kubepods/pod1/ctr\n", tree.mount_v2()), 1.5);
}

TEST(CpuBudget, NoLimitWhenEveryLevelSaysMax) {
  CgroupTree tree;
  tree.write("cpu.max", "max 100000");
  tree.write("a/cpu.max", "max 100000");
  EXPECT_EQ(cgroup_cpu_limit("0::/a\n", tree.mount_v2()), std::nullopt);
}

TEST(CpuBudget, ReadsCgroupV1QuotaAndPeriod) {
  CgroupTree tree;
  tree.write("cpu.cfs_quota_us", "-1");
  tree.write("cpu.cfs_period_us", "100000");
  tree.write("docker/abc/cpu.cfs_quota_us", "50000");
  tree.write("docker/abc/cpu.cfs_period_us", "100000");
  std::string cgroup = "4:memory:/docker/abc\n3:cpu,cpuacct:/docker/abc\n0::/\n";
  EXPECT_EQ(cgroup_cpu_limit(cgroup, tree.mount_v1_cpu()), 0.5);
}

TEST(CpuBudget, AContainerWhoseMountShowsOnlyItsOwnCgroupReadsTheMountPoint) {
  // Without a cgroup namespace /proc/self/cgroup names the host's path, while the container's
  // mount holds just its own cgroup.
  CgroupTree tree;
  tree.write("cpu.max", "200000 100000");
  EXPECT_EQ(cgroup_cpu_limit("0::/system.slice/docker-abc.scope\n",
                             tree.mount_v2("/system.slice/docker-abc.scope")),
            2.0);
  EXPECT_EQ(cgroup_cpu_limit("0::/elsewhere\n", tree.mount_v2("/system.slice/x")), 2.0);
}

TEST(CpuBudget, UnreadableOrGarbledFilesMeanNoLimit) {
  CgroupTree tree;
  tree.write("cpu.max", "lots 100000");
  EXPECT_EQ(cgroup_cpu_limit("0::/\n", tree.mount_v2()), std::nullopt);
  EXPECT_EQ(cgroup_cpu_limit("", tree.mount_v2()), std::nullopt);
  EXPECT_EQ(cgroup_cpu_limit("0::/\n", "garbage\n\n1 2 3 - x\n"), std::nullopt);
  EXPECT_EQ(cgroup_cpu_limit("0::/\n", ""), std::nullopt);
}

TEST(CpuBudget, UsableCpusRoundsALowerLimitUp) {
  EXPECT_EQ(usable_cpus(32, 2.0), 2u);
  EXPECT_EQ(usable_cpus(32, 1.5), 2u);
  EXPECT_EQ(usable_cpus(32, 0.25), 1u);
  EXPECT_EQ(usable_cpus(4, 8.0), 4u);  // taskset to 4 CPUs
  EXPECT_EQ(usable_cpus(4, std::nullopt), 4u);
  EXPECT_EQ(usable_cpus(0, std::nullopt), 1u);
  EXPECT_GE(usable_cpus(), 1u);
}

}  // namespace
}  // namespace pd
