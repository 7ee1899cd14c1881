// The worker pool's backlog, and the executor that keeps count of it.
//
// An I/O thread that wakes for every readiness event while the workers are busy only interrupts
// them: what it reads would wait in their queue anyway, and each wake-up costs two context
// switches on a loaded core. So the I/O threads stop polling while the workers have a queue
// (WorkerBacklog::wait_for_room) and the worker that takes the queue below its bound wakes them;
// the events that arrived meanwhile are then read and handed over in one batch. The count is
// kept by CountedExecutor, which wraps the pool's executor under every session strand: one is
// added when a function is queued for the pool and taken away when a worker starts it (or when
// it is destroyed unrun).
#pragma once

#include <atomic>
#include <boost/asio/execution.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/require.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <type_traits>
#include <utility>

namespace argus::http::detail {

class WorkerBacklog {
 public:
  // `bound`: the I/O threads pause while at least this many functions wait for a worker.
  explicit WorkerBacklog(int bound) : bound_(bound < 1 ? 1 : bound) {}

  void queued() noexcept { waiting_.fetch_add(1); }
  void started() noexcept {
    if (waiting_.fetch_sub(1) == bound_ && parked_.load() > 0) wake();
  }
  int waiting() const noexcept { return waiting_.load(); }
  int parked() const noexcept { return parked_.load(); }  // I/O threads in wait_for_room

  // Returns once fewer than `bound` functions wait, or after `at_most` (so timers and accepts
  // are never held up for longer, whatever the workers do).
  void wait_for_room(std::chrono::steady_clock::duration at_most) {
    if (waiting_.load() < bound_) return;
    std::unique_lock lock(mutex_);
    parked_.fetch_add(1);
    room_.wait_for(lock, at_most, [this] { return waiting_.load() < bound_; });
    parked_.fetch_sub(1);
  }

 private:
  // Taking the lock orders this after a parking thread's last check; notifying after releasing
  // it spares the woken thread from blocking on the mutex straight away.
  void wake() {
    { std::lock_guard lock(mutex_); }
    room_.notify_all();
  }

  const int bound_;
  std::atomic<int> waiting_{0};
  std::atomic<int> parked_{0};
  std::mutex mutex_;
  std::condition_variable room_;
};

// A function queued for the pool, counted until it starts or is destroyed unrun.
template <class F>
class CountedFunction {
 public:
  CountedFunction(F f, WorkerBacklog* backlog) : f_(std::move(f)), backlog_(backlog) {}
  CountedFunction(CountedFunction&& other) noexcept
      : f_(std::move(other.f_)), backlog_(std::exchange(other.backlog_, nullptr)) {}
  CountedFunction& operator=(CountedFunction&&) = delete;
  ~CountedFunction() {
    if (backlog_) backlog_->started();
  }
  void operator()() {
    std::exchange(backlog_, nullptr)->started();
    f_();
  }

 private:
  F f_;
  WorkerBacklog* backlog_;
};

// Forwards every property to `Inner` and counts what it queues in a WorkerBacklog, if it has one.
template <class Inner>
class CountedExecutor {
 public:
  CountedExecutor(Inner inner, WorkerBacklog* backlog) noexcept
      : inner_(std::move(inner)), backlog_(backlog) {}

  template <class Property>
  auto query(const Property& p) const
      noexcept(noexcept(boost::asio::query(std::declval<const Inner&>(), p)))
          -> decltype(boost::asio::query(std::declval<const Inner&>(), p)) {
    return boost::asio::query(inner_, p);
  }

  template <class Property>
  auto require(const Property& p) const -> CountedExecutor<
      std::decay_t<decltype(boost::asio::require(std::declval<const Inner&>(), p))>> {
    return {boost::asio::require(inner_, p), backlog_};
  }

  template <class Property>
  auto prefer(const Property& p) const -> CountedExecutor<
      std::decay_t<decltype(boost::asio::prefer(std::declval<const Inner&>(), p))>> {
    return {boost::asio::prefer(inner_, p), backlog_};
  }

  template <class F>
  void execute(F&& f) const {
    if (!backlog_) {
      inner_.execute(std::forward<F>(f));
      return;
    }
    backlog_->queued();
    inner_.execute(CountedFunction<std::decay_t<F>>(std::forward<F>(f), backlog_));
  }

  friend bool operator==(const CountedExecutor& a, const CountedExecutor& b) noexcept {
    return a.inner_ == b.inner_ && a.backlog_ == b.backlog_;
  }
  friend bool operator!=(const CountedExecutor& a, const CountedExecutor& b) noexcept {
    return !(a == b);
  }

 private:
  template <class>
  friend class CountedExecutor;
  Inner inner_;
  WorkerBacklog* backlog_;
};

}  // namespace argus::http::detail
