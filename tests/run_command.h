// Test helpers for end-to-end tests: run a shell command and capture its exit code and output,
// or keep one running in the background (a server) until the test ends.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace pd::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr interleaved
};

// Runs `command` with /bin/sh; stderr is merged into the captured output.
CommandResult run_command(const std::string& command);

// Quotes `text` for /bin/sh.
std::string shell_quote(const std::string& text);

// A TCP port on 127.0.0.1 that nothing listens on right now.
int free_loopback_port();
// A socket connected to 127.0.0.1:port (the caller closes it), or -1.
int connect_to_loopback(int port);

// `command` running under /bin/sh with its output in `log_file`; stopped (SIGTERM, then SIGKILL
// after 5 s) when destroyed unless stopped before.
class BackgroundCommand {
 public:
  BackgroundCommand(const std::string& command, std::filesystem::path log_file);
  ~BackgroundCommand();
  BackgroundCommand(const BackgroundCommand&) = delete;
  BackgroundCommand& operator=(const BackgroundCommand&) = delete;

  pid_t pid() const { return pid_; }
  // Sends `signal` and waits for the exit; returns the exit code (128 + signal when killed).
  int stop(int signal = 15);
  // Waits for the command to end by itself: its exit code, or nullopt on timeout.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  // Waits until `port` on 127.0.0.1 accepts connections; false on timeout or exit.
  bool wait_for_port(int port, std::chrono::milliseconds timeout = std::chrono::seconds(20));
  std::string log() const;

 private:
  pid_t pid_ = -1;
  std::filesystem::path log_file_;
};

}  // namespace pd::testing
