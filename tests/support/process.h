// Child processes for tests: real creditd nodes started with
// fork/exec, and one-shot commands (creditctl) whose output is captured.
//
// Nothing may outlive the test binary:
//   - every child is started with PR_SET_PDEATHSIG = SIGKILL, so it dies with the
//     thread that forked it, even if the test binary is SIGKILLed (ctest timeout);
//   - live children are listed in a fixed-size, signal-safe registry; the first
//     ChildProcess installs SIGINT/SIGTERM/SIGHUP handlers that SIGKILL every listed
//     child before the test binary dies of the signal;
//   - ~ChildProcess SIGKILLs and reaps its child.
//
// Thread safety: a ChildProcess is used by one thread, the one that started it (the
// death signal follows that thread: start nodes from the test's main thread).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace cc::testing {

// How a reaped child ended.
struct ExitInfo {
  bool exited = false;  // normal exit with `code`
  int code = -1;
  int signal = 0;  // killed by this signal (exited == false)
  std::string ToString() const;
};

class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess();  // SIGKILLs and reaps a running child
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Starts `program` with `args`, stdout and stderr appended to `log_path`.
  // False (and `error` set) if the fork failed; a failed exec shows as exit 127.
  // REQUIRES: !running().
  bool Start(const std::string& program, const std::vector<std::string>& args, const std::string& log_path,
             std::string* error);

  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  // Sends `sig` to a running child (no-op otherwise).
  void Signal(int sig);
  // SIGKILL and reap. No-op when not running.
  ExitInfo Kill();
  // Waits up to `timeout` for the child to end; nullopt if it is still running
  // (it stays running). Reaps it if it ended.
  std::optional<ExitInfo> WaitFor(std::chrono::milliseconds timeout);
  // Reaps the child if it has ended, without waiting.
  std::optional<ExitInfo> Poll();

 private:
  void Reaped(int status, ExitInfo* info);
  pid_t pid_ = -1;
};

struct CommandResult {
  ExitInfo exit;
  std::string output;  // stdout and stderr, interleaved
};

// Runs `program args...` to completion (killed after `timeout`), capturing output.
CommandResult RunCommand(const std::string& program, const std::vector<std::string>& args,
                         std::chrono::milliseconds timeout = std::chrono::seconds(120));

}  // namespace cc::testing
