// serve.idle_poll: a thread keeps polling (runnable, yielding) after its last handler for the
// window and no longer, blocks at once with a zero window, and still stops and runs out of work
// as Asio's run() does. A thread's state is read from /proc (R: running or runnable, S:
// sleeping); a sleep happens only after the window, so the tests wait for it with a bound.
#include "http/idle_poll.h"

#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fstream>
#include <future>
#include <set>
#include <string>

#include "eventually.h"

namespace argus::http::detail {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

pid_t this_tid() {
  return static_cast<pid_t>(::syscall(SYS_gettid));
}

// The scheduler state of one of this process's threads: 'R', 'S', ...
char thread_state(pid_t tid) {
  std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto paren = stat.rfind(')');  // the thread's name may hold spaces and parentheses
  return paren == std::string::npos || paren + 2 >= stat.size() ? '?' : stat[paren + 2];
}

using testing::eventually;

// Runs one handler on `pool` and returns the id of the thread that ran it.
pid_t run_one_handler(WorkerPool& pool) {
  std::promise<pid_t> ran;
  asio::post(pool, [&] { ran.set_value(this_tid()); });
  auto f = ran.get_future();
  EXPECT_EQ(f.wait_for(10s), std::future_status::ready);
  return f.get();
}

TEST(WorkerPool, RunsEveryHandlerOnItsOwnThreads) {
  for (auto window : {std::chrono::nanoseconds(0), std::chrono::nanoseconds(20us)}) {
    WorkerPool pool(2, window);
    constexpr int kHandlers = 2000;
    std::atomic<int> ran{0};
    std::mutex m;
    std::set<pid_t> threads;
    std::promise<void> all;
    for (int i = 0; i < kHandlers; ++i) {
      asio::post(pool, [&] {
        {
          std::lock_guard lock(m);
          threads.insert(this_tid());
        }
        if (ran.fetch_add(1) + 1 == kHandlers) all.set_value();
      });
    }
    ASSERT_EQ(all.get_future().wait_for(10s), std::future_status::ready);
    EXPECT_EQ(ran.load(), kHandlers);
    EXPECT_FALSE(threads.contains(this_tid()));
    EXPECT_LE(threads.size(), 2u);
  }
}

TEST(WorkerPool, KeepsPollingAfterItsLastHandlerForTheWindow) {
  WorkerPool pool(1, 10s);  // far longer than the test
  const pid_t worker = run_one_handler(pool);
  // Polling and yielding, never blocked: runnable at every look.
  for (int i = 0; i < 200; ++i) ASSERT_EQ(thread_state(worker), 'R') << "look " << i;
  // stop() ends the polling at once, not after the window.
  const auto stopping = Clock::now();
  pool.stop();
  pool.join();
  EXPECT_LT(Clock::now() - stopping, 5s);
}

TEST(WorkerPool, SleepsOnceTheWindowHasPassed) {
  WorkerPool pool(1, 1ms);
  const pid_t worker = run_one_handler(pool);
  EXPECT_TRUE(eventually([&] { return thread_state(worker) == 'S'; }));
  // And wakes for the next handler.
  EXPECT_EQ(run_one_handler(pool), worker);
}

TEST(WorkerPool, DestroysQueuedHandlersUnrunAfterStop) {
  WorkerPool pool(1, 0ns);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> holding;
  asio::post(pool, [&, released] {
    holding.set_value();
    released.wait_for(30s);
  });
  ASSERT_EQ(holding.get_future().wait_for(10s), std::future_status::ready);
  auto token = std::make_shared<int>(0);
  std::weak_ptr<int> watch = token;
  bool ran = false;
  asio::post(pool, [&ran, t = std::move(token)] { ran = true; });
  pool.stop();
  release.set_value();
  pool.join();
  EXPECT_FALSE(watch.expired());  // still queued
  pool.destroy_queued();
  EXPECT_TRUE(watch.expired());
  EXPECT_FALSE(ran);
}

TEST(RunWithIdlePoll, ReturnsWhenTheContextRunsOutOfWork) {
  for (auto window : {std::chrono::nanoseconds(0), std::chrono::nanoseconds(50us)}) {
    asio::io_context ctx;
    asio::steady_timer timer(ctx, 2ms);
    int fired = 0;
    timer.async_wait([&](boost::system::error_code) { ++fired; });
    int polls = 0;
    run_with_idle_poll(ctx, window, [&] { ++polls; });
    EXPECT_EQ(fired, 1);
    EXPECT_GT(polls, 0);  // the pause hook ran before polling
    EXPECT_TRUE(ctx.stopped());
  }
}

}  // namespace
}  // namespace argus::http::detail
