// The worker backlog behind serve.io_batching: the count kept by CountedExecutor (functions
// queued for a real thread pool, until they start or are destroyed unrun) and the pause of an
// I/O thread while the backlog is at its bound (woken by the worker that takes it below, and
// never for longer than asked). Waits are bounded, and a pause is only ended from outside once
// the test has seen the thread parked.
#include "http/worker_backlog.h"

#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <future>
#include <thread>

#include "eventually.h"

namespace argus::http::detail {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Counted = CountedExecutor<asio::thread_pool::executor_type>;

using testing::eventually;

// Holds a pool's only thread until released, so what is posted after it stays queued.
struct Blocker {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  void block(asio::thread_pool& pool) {
    asio::post(pool, [f = released] { f.wait_for(30s); });
  }
};

TEST(CountedExecutor, CountsFunctionsFromQueuedUntilStarted) {
  WorkerBacklog backlog(1);
  asio::thread_pool pool(1);
  Blocker blocker;
  blocker.block(pool);
  std::atomic<int> ran{0};
  std::atomic<int> seen_at_start{-1};
  Counted ex(pool.get_executor(), &backlog);
  asio::post(ex, [&] {
    seen_at_start = backlog.waiting();
    ++ran;
  });
  asio::post(ex, [&] { ++ran; });
  asio::post(ex, [&] { ++ran; });
  EXPECT_EQ(backlog.waiting(), 3);
  EXPECT_EQ(ran, 0);
  blocker.release.set_value();
  pool.join();
  EXPECT_EQ(ran, 3);
  EXPECT_EQ(seen_at_start, 2);  // a function stops counting as it starts, not when it returns
  EXPECT_EQ(backlog.waiting(), 0);
}

TEST(CountedExecutor, FunctionsDestroyedUnrunStopCounting) {
  WorkerBacklog backlog(1);
  std::atomic<int> ran{0};
  {
    asio::thread_pool pool(1);
    Blocker blocker;
    blocker.block(pool);
    Counted ex(pool.get_executor(), &backlog);
    asio::post(ex, [&] { ++ran; });
    asio::post(ex, [&] { ++ran; });
    EXPECT_EQ(backlog.waiting(), 2);
    pool.stop();  // the two never run; the pool destroys them
    blocker.release.set_value();
    pool.join();
  }
  EXPECT_EQ(ran, 0);
  EXPECT_EQ(backlog.waiting(), 0);
}

TEST(CountedExecutor, WithoutABacklogItOnlyForwards) {
  asio::thread_pool pool(1);
  std::atomic<int> ran{0};
  Counted ex(pool.get_executor(), nullptr);
  asio::post(ex, [&] { ++ran; });
  pool.join();
  EXPECT_EQ(ran, 1);
}

TEST(WorkerBacklog, BelowTheBoundTheIoThreadDoesNotPause) {
  WorkerBacklog backlog(2);
  backlog.queued();
  const auto start = Clock::now();
  backlog.wait_for_room(30s);
  EXPECT_LT(Clock::now() - start, 10s);
  EXPECT_EQ(backlog.parked(), 0);
}

TEST(WorkerBacklog, TheWorkerThatTakesTheBacklogBelowTheBoundWakesTheIoThread) {
  WorkerBacklog backlog(2);
  backlog.queued();
  backlog.queued();
  auto paused = std::async(std::launch::async, [&] { backlog.wait_for_room(60s); });
  ASSERT_TRUE(eventually([&] { return backlog.parked() == 1; }));
  backlog.queued();   // a third: still at the bound after the first start
  backlog.started();  // 3 -> 2
  EXPECT_EQ(paused.wait_for(50ms), std::future_status::timeout);
  backlog.started();                                           // 2 -> 1: below the bound
  EXPECT_EQ(paused.wait_for(10s), std::future_status::ready);  // not the 60 s limit
  EXPECT_EQ(backlog.parked(), 0);
}

TEST(WorkerBacklog, APauseNeverOutlastsItsLimit) {
  WorkerBacklog backlog(1);
  backlog.queued();  // and no worker ever starts it
  const auto start = Clock::now();
  backlog.wait_for_room(30ms);
  const auto waited = Clock::now() - start;
  EXPECT_GE(waited, 30ms);
  EXPECT_LT(waited, 10s);
  EXPECT_EQ(backlog.waiting(), 1);
}

}  // namespace
}  // namespace argus::http::detail
