// A long-running argus child process (e.g. `argus serve`): started with a given environment, its
// stderr read incrementally so a test can wait for a line (bounded by a deadline), signalled,
// and reaped. The destructor kills a child that is still running.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace argus::testing {

class Child {
 public:
  Child(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
    int err_pipe[2];
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    std::vector<std::string> env_strings;
    for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
    for (const char* keep : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"}) {
      if (const char* v = ::getenv(keep)) env_strings.push_back(std::string(keep) + "=" + v);
    }
    std::vector<char*> argv, envp;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data()) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    ::close(err_pipe[1]);
    err_fd_ = err_pipe[0];
  }
  ~Child() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (err_fd_ >= 0) ::close(err_fd_);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  bool started() const { return pid_ > 0; }
  void signal(int sig) { ::kill(pid_, sig); }
  const std::string& stderr_text() const { return err_; }

  // Reads stderr until it contains `text` after offset `from` (true), EOF or the deadline.
  bool wait_for(const std::string& text, std::chrono::milliseconds timeout, std::size_t from = 0) {
    auto end = std::chrono::steady_clock::now() + timeout;
    while (err_.find(text, from) == std::string::npos) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          end - std::chrono::steady_clock::now());
      if (left.count() <= 0 || err_fd_ < 0) return false;
      pollfd p{err_fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buf[4096];
      ssize_t n = ::read(err_fd_, buf, sizeof buf);
      if (n <= 0) {
        ::close(err_fd_);
        err_fd_ = -1;
        return err_.find(text, from) != std::string::npos;
      }
      err_.append(buf, static_cast<std::size_t>(n));
    }
    return true;
  }

  // Waits for the exit (draining stderr); -1 if still running at the deadline.
  int wait_exit(std::chrono::milliseconds timeout) {
    wait_for("\x01never\x01", timeout);  // drains stderr until EOF or the deadline
    auto end = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (std::chrono::steady_clock::now() < end) {
      pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        reaped_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      // Stderr is closed, so the exit is imminent: block on it, bounded by the deadline.
      pollfd none{-1, 0, 0};
      ::poll(&none, 0, 10);
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
  int err_fd_ = -1;
  bool reaped_ = false;
  std::string err_;
};

}  // namespace argus::testing
