// A named thread shows its name where ps, top and gdb read it, cut to 15 characters.
#include "engine/util/thread_name.h"

#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <thread>

namespace pd {
namespace {

std::string name_in_proc(const char* name) {
  std::string seen;
  std::thread([&] {
    name_this_thread(name);
    std::ifstream comm("/proc/self/task/" + std::to_string(syscall(SYS_gettid)) + "/comm");
    std::getline(comm, seen);
  }).join();
  return seen;
}

TEST(ThreadName, IsWhatProcShows) { EXPECT_EQ(name_in_proc("pd-isolate"), "pd-isolate"); }

TEST(ThreadName, ALongNameIsCutToFifteenCharacters) {
  EXPECT_EQ(name_in_proc("pd-a-very-long-thread-name"), "pd-a-very-long-");
}

}  // namespace
}  // namespace pd
