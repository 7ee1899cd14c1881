// The batch processor's queue: one bounded single-producer ring per thread that ends spans,
// drained by the processor's one export thread. Ending a span therefore takes no lock and no
// atomic read-modify-write, and threads never contend with each other; the capacity bound
// applies per thread. A thread's ring is created the first time it ends a span into this
// processor and retired once the thread has exited and its ring is empty.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "argus/trace/span_data.h"
#include "trace/core/prefetch.h"

namespace argus::trace::detail {

class SpanRing {
 public:
  explicit SpanRing(std::size_t capacity);

  // Producer only. The ring position the span took, or -1 when the ring is full.
  std::int64_t try_push(SpanData* span) noexcept {
    const std::uint64_t t = tail_.load(std::memory_order_relaxed);
    if (t - cached_head_ >= capacity_) {
      cached_head_ = head_.load(std::memory_order_acquire);
      if (t - cached_head_ >= capacity_) return -1;
    }
    slots_[t & mask_] = span;
    // The export thread last read the slots ahead: take their line back in advance, so the
    // store that needs it does not wait for the transfer.
    if ((t & 7) == 0) prefetch_exclusive(&slots_[(t + 32) & mask_]);
    tail_.store(t + 1, std::memory_order_release);
    return static_cast<std::int64_t>(t);
  }

  // Consumer only: moves up to `max` spans to `out`.
  std::size_t pop(SpanData** out, std::size_t max) noexcept;
  std::uint64_t pushed() const noexcept { return tail_.load(std::memory_order_acquire); }
  std::size_t size() const noexcept {
    return static_cast<std::size_t>(tail_.load(std::memory_order_acquire) -
                                    head_.load(std::memory_order_acquire));
  }

  std::atomic<bool> producer_exited{false};
  std::atomic<bool> consumer_alive{true};

 private:
  const std::uint64_t capacity_;
  const std::uint64_t mask_;
  std::unique_ptr<SpanData*[]> slots_;
  alignas(64) std::atomic<std::uint64_t> tail_{0};
  std::uint64_t cached_head_ = 0;  // the producer's last view of head_
  alignas(64) std::atomic<std::uint64_t> head_{0};
};

// The last ring this thread pushed to, keyed by its owner's serial (never reused), so the hot
// path finds it with one comparison. Plain data: no thread_local guard.
struct LastRing {
  std::uint64_t owner = 0;
  SpanRing* ring = nullptr;
};
inline thread_local LastRing t_last_ring{};

class SpanRings {
 public:
  explicit SpanRings(std::size_t per_thread_capacity);
  ~SpanRings();
  SpanRings(const SpanRings&) = delete;
  SpanRings& operator=(const SpanRings&) = delete;

  // Any thread. The position in the calling thread's ring, or -1 when it is full.
  std::int64_t try_push(SpanData* span) noexcept {
    LastRing& last = t_last_ring;
    SpanRing* ring = last.owner == serial_ ? last.ring : attach();
    return ring != nullptr ? ring->try_push(span) : -1;
  }

  // How many spans wait in the calling thread's ring (after a successful push).
  std::size_t caller_backlog() const noexcept {
    const LastRing& last = t_last_ring;
    return last.owner == serial_ && last.ring != nullptr ? last.ring->size() : 0;
  }

  // The single consumer: moves up to `max` spans to `out`, fairly across threads.
  std::size_t pop(SpanData** out, std::size_t max) noexcept;
  std::size_t approx_size() const noexcept;
  std::uint64_t pushed() const noexcept;

 private:
  SpanRing* attach() noexcept;  // finds or creates the calling thread's ring
  void retire_finished() noexcept;

  const std::uint64_t serial_;
  const std::size_t capacity_;
  mutable std::mutex mutex_;  // guards rings_ and retired_pushed_
  std::vector<std::shared_ptr<SpanRing>> rings_;
  std::uint64_t retired_pushed_ = 0;
  std::atomic<std::uint64_t> version_{0};  // bumped when rings_ changes
  // The consumer's copy of rings_, refreshed when version_ moves.
  std::vector<std::shared_ptr<SpanRing>> snapshot_;
  std::uint64_t snapshot_version_ = ~std::uint64_t{0};
  std::size_t next_ = 0;  // round-robin start
};

}  // namespace argus::trace::detail
