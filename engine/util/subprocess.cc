#include "engine/util/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace pd {

Result<ProcessResult> run_process(const std::vector<std::string>& argv,
                                  const std::optional<std::map<std::string, std::string>>& env,
                                  const std::string& working_dir) {
  if (argv.empty()) return invalid_argument("no program to run");
  int out_pipe[2];
  int err_pipe[2];
  int exec_pipe[2];  // closed on a successful exec; carries errno otherwise
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0 || pipe2(exec_pipe, O_CLOEXEC) != 0) {
    return internal_error(std::string("pipe: ") + std::strerror(errno));
  }
  std::vector<std::string> env_strings;
  if (env) {
    for (const auto& [key, value] : *env) env_strings.push_back(key + "=" + value);
  }
  std::vector<char*> c_argv;
  for (const std::string& arg : argv) c_argv.push_back(const_cast<char*>(arg.c_str()));
  c_argv.push_back(nullptr);
  std::vector<char*> c_env;
  for (std::string& entry : env_strings) c_env.push_back(entry.data());
  c_env.push_back(nullptr);
  std::string path_value;
  if (env) {
    auto path = env->find("PATH");
    path_value = path != env->end() ? path->second : "/usr/local/bin:/usr/bin:/bin";
  }

  pid_t pid = fork();
  if (pid < 0) return internal_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    close(out_pipe[0]);
    close(err_pipe[0]);
    close(exec_pipe[0]);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    if (!working_dir.empty() && chdir(working_dir.c_str()) != 0) _exit(127);
    if (env) {
      // execvpe searches the PATH of the caller's environment: search the new one ourselves.
      std::string program = argv[0];
      if (program.find('/') == std::string::npos) {
        size_t begin = 0;
        while (begin <= path_value.size()) {
          size_t colon = path_value.find(':', begin);
          std::string dir = path_value.substr(begin, colon == std::string::npos ? std::string::npos
                                                                                 : colon - begin);
          std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
          if (access(candidate.c_str(), X_OK) == 0) {
            program = candidate;
            break;
          }
          if (colon == std::string::npos) break;
          begin = colon + 1;
        }
      }
      execve(program.c_str(), c_argv.data(), c_env.data());
    } else {
      execvp(argv[0].c_str(), c_argv.data());
    }
    int error = errno;
    (void)!write(exec_pipe[1], &error, sizeof(error));
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  close(exec_pipe[1]);
  int exec_errno = 0;
  bool exec_failed = read(exec_pipe[0], &exec_errno, sizeof(exec_errno)) == sizeof(exec_errno);
  close(exec_pipe[0]);

  ProcessResult result;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  char buffer[4096];
  while (open_fds > 0) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = read(fds[i].fd, buffer, sizeof(buffer));
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
        continue;
      }
      (i == 0 ? result.out : result.err).append(buffer, static_cast<size_t>(n));
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (exec_failed) {
    return not_found("cannot run " + argv[0] + ": " + std::strerror(exec_errno));
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace pd
