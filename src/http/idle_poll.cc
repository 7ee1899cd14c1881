#include "http/idle_poll.h"

#include <sched.h>

namespace argus::http::detail {

void run_with_idle_poll(boost::asio::io_context& ctx, std::chrono::nanoseconds idle_poll,
                        const std::function<void()>& before_poll) {
  using Clock = std::chrono::steady_clock;
  if (idle_poll.count() <= 0 && !before_poll) {
    ctx.run();
    return;
  }
  auto last_work = Clock::now();
  for (;;) {
    if (before_poll) before_poll();
    if (ctx.poll() > 0) {
      last_work = Clock::now();
      continue;
    }
    if (ctx.stopped()) return;
    if (Clock::now() - last_work < idle_poll) {
      sched_yield();  // whoever else is runnable here goes first
      continue;
    }
    if (ctx.run_one() == 0) return;  // stopped, or nothing left to wait for
    last_work = Clock::now();
  }
}

WorkerPool::WorkerPool(std::size_t threads, std::chrono::nanoseconds idle_poll)
    : boost::asio::io_context(static_cast<int>(threads)),
      keep_running_(boost::asio::make_work_guard(*this)) {
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) {
    threads_.emplace_back([this, idle_poll] { run_with_idle_poll(*this, idle_poll); });
  }
}

WorkerPool::~WorkerPool() {
  stop();
  join();
}

void WorkerPool::stop() {
  keep_running_.reset();
  boost::asio::io_context::stop();
}

void WorkerPool::join() {
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

}  // namespace argus::http::detail
