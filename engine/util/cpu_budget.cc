#include "engine/util/cpu_budget.h"

#include <sched.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "engine/util/file_io.h"
#include "engine/util/text.h"

namespace pd {
namespace {

// mountinfo writes space, tab, newline and backslash in paths as \ooo.
std::string unescape_octal(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 3 < text.size()) {
      std::string_view digits = text.substr(i + 1, 3);
      if (digits.find_first_not_of("01234567") == std::string_view::npos) {
        out.push_back(static_cast<char>(std::stoi(std::string(digits), nullptr, 8)));
        i += 3;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

std::optional<std::string> first_line(const std::filesystem::path& file) {
  Result<std::string> text = read_text_file(file);
  if (!text.is_ok()) return std::nullopt;
  return split(text.value(), '\n')[0];
}

std::optional<double> to_number(std::string_view text) {
  try {
    size_t used = 0;
    double value = std::stod(std::string(text), &used);
    return used == text.size() ? std::optional<double>(value) : std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// One cgroup folder's limit: v2 "cpu.max" is "<quota|max> <period>"; v1 has the two numbers
// in their own files, -1 for none.
std::optional<double> folder_limit(const std::filesystem::path& folder, bool v2) {
  std::optional<double> quota, period;
  if (v2) {
    std::optional<std::string> line = first_line(folder / "cpu.max");
    if (!line) return std::nullopt;
    std::vector<std::string> fields = split(*line, ' ');
    if (fields.size() != 2 || fields[0] == "max") return std::nullopt;
    quota = to_number(fields[0]);
    period = to_number(fields[1]);
  } else {
    std::optional<std::string> q = first_line(folder / "cpu.cfs_quota_us");
    std::optional<std::string> p = first_line(folder / "cpu.cfs_period_us");
    if (!q || !p) return std::nullopt;
    quota = to_number(*q);
    period = to_number(*p);
  }
  if (!quota || !period || *quota <= 0 || *period <= 0) return std::nullopt;
  return *quota / *period;
}

struct Hierarchy {
  std::filesystem::path mount_point;  // where the hierarchy is mounted
  std::string mount_root;             // which of its cgroups is mounted there
  bool v2 = false;
};

// The cpu controller's hierarchy: a cgroup2 mount, or a v1 cgroup mount with the cpu option.
std::optional<Hierarchy> cpu_hierarchy(std::string_view mountinfo) {
  std::optional<Hierarchy> v2;
  for (const std::string& line : split(mountinfo, '\n')) {
    // "<id> <parent> <dev> <root> <mount point> <options> [optional…] - <type> <source> <super
    // options>"
    std::vector<std::string> fields = split(line, ' ');
    size_t dash = 0;
    while (dash < fields.size() && fields[dash] != "-") ++dash;
    if (dash < 5 || dash + 1 >= fields.size()) continue;
    const std::string& type = fields[dash + 1];
    Hierarchy found{unescape_octal(fields[4]), unescape_octal(fields[3]), type == "cgroup2"};
    if (type == "cgroup2") {
      if (!v2) v2 = found;
    } else if (type == "cgroup" && dash + 3 < fields.size()) {
      for (const std::string& option : split(fields[dash + 3], ',')) {
        if (option == "cpu") return found;  // v1 cpu controller wins over a hybrid's cgroup2
      }
    }
  }
  return v2;
}

// This process's cgroup in that hierarchy, from /proc/self/cgroup ("<id>:<controllers>:<path>";
// v2 is id 0 with no controllers).
std::optional<std::string> own_cgroup(std::string_view proc_self_cgroup, bool v2) {
  for (const std::string& line : split(proc_self_cgroup, '\n')) {
    std::vector<std::string> fields = split(line, ':');
    if (fields.size() < 3) continue;
    std::string path = line.substr(fields[0].size() + fields[1].size() + 2);
    if (v2 && fields[0] == "0" && fields[1].empty()) return path;
    if (!v2) {
      for (const std::string& controller : split(fields[1], ',')) {
        if (controller == "cpu") return path;
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<double> cgroup_cpu_limit(std::string_view proc_self_cgroup,
                                       std::string_view proc_self_mountinfo) {
  std::optional<Hierarchy> hierarchy = cpu_hierarchy(proc_self_mountinfo);
  if (!hierarchy) return std::nullopt;
  std::optional<std::string> cgroup = own_cgroup(proc_self_cgroup, hierarchy->v2);
  if (!cgroup) return std::nullopt;
  // The folder of our cgroup under the mount; when the mount shows another part of the
  // hierarchy (a container without a cgroup namespace), the mount point itself.
  std::filesystem::path folder = hierarchy->mount_point;
  std::string_view inside(*cgroup);
  std::string_view root(hierarchy->mount_root);
  if (root != "/" && inside.substr(0, root.size()) == root) inside.remove_prefix(root.size());
  if (root == "/" || inside.size() < cgroup->size()) {
    std::filesystem::path candidate = folder / std::filesystem::path(inside).relative_path();
    std::error_code error;
    if (std::filesystem::is_directory(candidate, error)) folder = candidate;
  }
  std::optional<double> lowest;
  for (;;) {
    std::optional<double> limit = folder_limit(folder, hierarchy->v2);
    if (limit && (!lowest || *limit < *lowest)) lowest = limit;
    if (folder == hierarchy->mount_point || !folder.has_relative_path()) break;
    std::filesystem::path parent = folder.parent_path();
    if (parent == folder) break;
    folder = parent;
  }
  return lowest;
}

unsigned usable_cpus(unsigned may_run_on, std::optional<double> cgroup_limit) {
  unsigned cpus = std::max(1u, may_run_on);
  if (cgroup_limit && *cgroup_limit < cpus) {
    cpus = static_cast<unsigned>(std::ceil(*cgroup_limit));
  }
  return std::max(1u, cpus);
}

unsigned usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  unsigned may_run_on = sched_getaffinity(0, sizeof set, &set) == 0
                            ? static_cast<unsigned>(CPU_COUNT(&set))
                            : std::thread::hardware_concurrency();
  Result<std::string> cgroup = read_text_file("/proc/self/cgroup");
  Result<std::string> mountinfo = read_text_file("/proc/self/mountinfo");
  if (!cgroup.is_ok() || !mountinfo.is_ok()) return usable_cpus(may_run_on, std::nullopt);
  return usable_cpus(may_run_on, cgroup_cpu_limit(cgroup.value(), mountinfo.value()));
}

}  // namespace pd
