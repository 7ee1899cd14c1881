// Spin-then-park for the server's I/O and worker threads.
//
// A thread that finds no work blocks (in epoll_wait or on the scheduler's condition variable),
// and the next request must wake it. On a virtual machine that is dear: a vCPU with nothing to
// run halts, and waking it takes an interrupt through the hypervisor before the thread can run.
// So after its last handler a thread keeps polling for up to `idle_poll` (Seastar's
// --idle-poll-time, Go's spinning threads), yielding the CPU between polls so that any other
// runnable thread goes first; only then does it block. At low load the extra CPU is bounded by
// the window per handler; with a window of zero a thread blocks at once, as Asio's run() does.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <thread>
#include <vector>

namespace argus::http::detail {

// Runs `ctx` on this thread until it is stopped or runs out of work. `before_poll`, when set,
// runs before every poll (io_batching pauses there while the workers have a backlog).
void run_with_idle_poll(boost::asio::io_context& ctx, std::chrono::nanoseconds idle_poll,
                        const std::function<void()>& before_poll = {});

// A fixed pool of threads running one execution context with run_with_idle_poll
// (asio::thread_pool's threads can only block). Its queued handlers can be destroyed
// (destroy_queued) while the io_context that owns their sockets is still alive.
class WorkerPool : public boost::asio::io_context {
 public:
  WorkerPool(std::size_t threads, std::chrono::nanoseconds idle_poll);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Lets the threads finish the handler they run and return; queued handlers stay queued.
  void stop();
  void join();
  // Destroys the handlers still queued, unrun. After stop() and join().
  void destroy_queued() { shutdown(); }

 private:
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> keep_running_;
  std::vector<std::thread> threads_;
};

}  // namespace argus::http::detail
