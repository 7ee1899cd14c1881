// The batch processor's queue: one bounded single-producer ring per thread that ends spans,
// drained by the processor's one export thread. A ring holds records, or spans already encoded
// by the exporter's encoder, whose bytes sit in the ring's arena until they are exported. Pushing
// a span into a ring therefore takes no lock and no atomic read-modify-write, and threads never
// contend with each other; the capacity bound applies per thread. A thread's ring is created the
// first time it ends a span into this processor and retired once the thread has exited and its
// ring is empty.
// A ring with an arena also stages the records its thread ends, to be encoded a batch at a time
// (see SpanStage); staging takes the stage's own lock, one uncontended exchange per span.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "argus/trace/exporter.h"
#include "argus/trace/span_data.h"
#include "trace/core/prefetch.h"

namespace argus::trace::detail {

// A queued span: a record, or (record == nullptr) a span its exporter's encoder encoded.
struct QueuedSpan {
  SpanData* record = nullptr;
  EncodedSpan encoded;
};

// A stage's lock: almost always taken by its owner alone, so it is a flag, one exchange to take
// and a plain store to release (a std::mutex took two atomic operations and two library calls
// per span). The rare waiter (a collection, a dying set, the owner behind either) yields while
// the holder encodes or copies at most a stage.
class StageLock {
 public:
  void lock() noexcept {
    while (held_.exchange(true, std::memory_order_acquire)) {
      while (held_.load(std::memory_order_relaxed)) std::this_thread::yield();
    }
  }
  void unlock() noexcept { held_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> held_{false};
};

// Records a thread has ended that wait to be encoded into its ring. Encoded one at a time, as
// each ends in the middle of other work, a span met the encoder's code and branch history cold;
// a batch at a time, it meets them warm (in argus under wrk, three spans a request cost 0.5 us of
// CPU less). The owning thread holds `lock` whenever it stages or encodes; the export thread
// takes it to collect what waits at a timed export, a flush or shutdown, and a dying
// AttributeSet takes it to give the records that refer to it their own copy
// (detach_staged_spans), so a set still need only outlive the spans' ends.
struct SpanStage {
  static constexpr std::size_t kCapacity = 32;
  StageLock lock;
  std::size_t size = 0;
  SpanData* spans[kCapacity];
};

class SpanRing {
 public:
  // `arena_capacity` bytes hold encoded spans (0: records only).
  SpanRing(std::size_t capacity, std::size_t arena_capacity);

  // Producer only. The ring position the span took, or -1 when the ring is full.
  std::int64_t try_push(SpanData* span) noexcept { return push_slot(Slot{span, 0}); }
  // Producer only. As try_push; -2 when the arena cannot hold `bytes` at all (queue the record
  // instead). `crossed_quarter` tells whether the arena's fill passed a quarter of it.
  std::int64_t try_push_encoded(const Resource* resource, const InstrumentationScope* scope,
                                std::string_view bytes, bool& crossed_quarter) noexcept;

  // Consumer only: copies up to `max` spans from the head to `out` without freeing them, and
  // no more encoded bytes than `max_bytes` (at least one span). Encoded views stay valid, and
  // records untouched by the producer, until release().
  std::size_t peek(QueuedSpan* out, std::size_t max, std::size_t& max_bytes) noexcept;
  // Consumer only: frees what the last peek() returned.
  void release() noexcept;

  std::uint64_t pushed() const noexcept { return tail_.load(std::memory_order_acquire); }
  std::size_t size() const noexcept {
    return static_cast<std::size_t>(tail_.load(std::memory_order_acquire) -
                                    head_.load(std::memory_order_acquire));
  }
  // Whether encoded spans fill at least a quarter of the arena: a batch's worth.
  bool arena_quarter_full() const noexcept {
    return arena_capacity_ != 0 && arena_tail_.load(std::memory_order_relaxed) -
                                           arena_head_.load(std::memory_order_relaxed) >=
                                       arena_capacity_ / 4;
  }

  // Only for rings with an arena: those are the ones whose thread encodes.
  SpanStage* stage() noexcept { return stage_.get(); }
  ~SpanRing();

  std::atomic<bool> producer_exited{false};
  std::atomic<bool> consumer_alive{true};

 private:
  struct Slot {
    SpanData* record;
    std::uint64_t arena_pos;  // for an encoded span: where its entry starts
  };
  // An encoded span's entry in the arena: this header, then the bytes, 8-byte aligned.
  struct EntryHeader {
    const Resource* resource;
    const InstrumentationScope* scope;
    std::uint64_t size;
  };
  static std::uint64_t entry_size(std::size_t bytes) noexcept {
    return (sizeof(EntryHeader) + bytes + 7) & ~std::uint64_t{7};
  }

  // The export thread read the arena ahead of the producer, a lap ago and on another core.
  // Each push takes back, in exclusive state, as many bytes as it writes this far ahead, so the
  // stores of the spans a few requests later do not wait for the lines to come back: without
  // it, the copy into the arena was the costliest step of a span in a busy server.
  static constexpr std::uint64_t kArenaPrefetchDistance = 8192;
  void prefetch_arena_ahead(std::uint64_t pos, std::uint64_t bytes) const noexcept {
    const std::uint64_t from = pos + kArenaPrefetchDistance;
    for (std::uint64_t a = from & ~std::uint64_t{63}; a < from + bytes; a += 64) {
      prefetch_exclusive(arena_.get() + (a & (arena_capacity_ - 1)));
    }
  }

  // Whether position `t` is free: the consumer has released what it last held.
  bool slot_free(std::uint64_t t) noexcept {
    if (t - cached_head_ < capacity_) return true;
    cached_head_ = head_.load(std::memory_order_acquire);
    return t - cached_head_ < capacity_;
  }

  std::int64_t push_slot(Slot slot) noexcept {
    const std::uint64_t t = tail_.load(std::memory_order_relaxed);
    if (!slot_free(t)) return -1;
    slots_[t & mask_] = slot;
    // The export thread last read the slots ahead: take their line back in advance, so the
    // store that needs it does not wait for the transfer.
    if ((t & 3) == 0) prefetch_exclusive(&slots_[(t + 16) & mask_]);
    tail_.store(t + 1, std::memory_order_release);
    return static_cast<std::int64_t>(t);
  }

  const std::uint64_t capacity_;
  const std::uint64_t mask_;
  const std::uint64_t arena_capacity_;
  std::unique_ptr<Slot[]> slots_;
  std::unique_ptr<char[]> arena_;
  alignas(64) std::atomic<std::uint64_t> tail_{0};
  std::uint64_t cached_head_ = 0;             // the producer's last view of head_
  std::atomic<std::uint64_t> arena_tail_{0};  // written by the producer only
  std::uint64_t cached_arena_head_ = 0;
  alignas(64) std::atomic<std::uint64_t> head_{0};
  std::atomic<std::uint64_t> arena_head_{0};
  std::uint64_t peeked_ = 0;  // consumer only: spans and arena end of the last peek
  std::uint64_t peeked_arena_end_ = 0;
  std::unique_ptr<SpanStage> stage_;
};

// Called by ~AttributeSet: staged records that refer to `set` take their own copy of it.
void detach_staged_spans(const AttributeSet* set) noexcept;

// The last ring this thread pushed to, keyed by its owner's serial (never reused), so the hot
// path finds it with one comparison. Plain data: no thread_local guard.
struct LastRing {
  std::uint64_t owner = 0;
  SpanRing* ring = nullptr;
};
inline thread_local LastRing t_last_ring{};

class SpanRings {
 public:
  // Each thread's ring holds `per_thread_capacity` spans and `arena_capacity` encoded bytes.
  SpanRings(std::size_t per_thread_capacity, std::size_t arena_capacity);
  ~SpanRings();
  SpanRings(const SpanRings&) = delete;
  SpanRings& operator=(const SpanRings&) = delete;

  // Any thread. The position in the calling thread's ring, or -1 when it is full.
  std::int64_t try_push(SpanData* span) noexcept {
    SpanRing* ring = caller_ring();
    return ring != nullptr ? ring->try_push(span) : -1;
  }
  std::int64_t try_push_encoded(const Resource* resource, const InstrumentationScope* scope,
                                std::string_view bytes, bool& crossed_quarter) noexcept {
    SpanRing* ring = caller_ring();
    return ring != nullptr ? ring->try_push_encoded(resource, scope, bytes, crossed_quarter) : -1;
  }

  // The calling thread's ring, created on its first use; null if it cannot be.
  SpanRing* caller_ring() noexcept {
    LastRing& last = t_last_ring;
    return last.owner == serial_ ? last.ring : attach();
  }

  // The consumer, at a timed export, a flush or shutdown: moves every staged record to `out`,
  // each with its own copy of its attribute set.
  void collect_staged(std::vector<SpanData*>& out) noexcept;

  // How many spans wait in the calling thread's ring (after a successful push).
  std::size_t caller_backlog() const noexcept {
    const LastRing& last = t_last_ring;
    return last.owner == serial_ && last.ring != nullptr ? last.ring->size() : 0;
  }

  // The single consumer: copies up to `max` spans to `out`, fairly across threads, with at
  // most about `max_bytes` encoded bytes. They stay queued until release().
  std::size_t peek(QueuedSpan* out, std::size_t max, std::size_t max_bytes) noexcept;
  void release() noexcept;
  std::size_t approx_size() const noexcept;
  // Whether a batch of `batch_size` spans, or a ring's worth of encoded bytes, is waiting.
  bool batch_ready(std::size_t batch_size) const noexcept;
  // Spans accepted and not dropped: in a ring or pushed through one, staged, or collected from
  // a stage.
  std::uint64_t queued() const noexcept;

 private:
  SpanRing* attach() noexcept;  // finds or creates the calling thread's ring
  void retire_finished() noexcept;

  const std::uint64_t serial_;
  const std::size_t capacity_;
  const std::size_t arena_capacity_;
  mutable std::mutex mutex_;  // guards rings_, retired_pushed_ and collected_
  std::vector<std::shared_ptr<SpanRing>> rings_;
  std::uint64_t retired_pushed_ = 0;
  std::uint64_t collected_ = 0;            // spans collect_staged took
  std::atomic<std::uint64_t> version_{0};  // bumped when rings_ changes
  // The consumer's copy of rings_, refreshed when version_ moves.
  std::vector<std::shared_ptr<SpanRing>> snapshot_;
  std::uint64_t snapshot_version_ = ~std::uint64_t{0};
  std::size_t next_ = 0;  // round-robin start
};

}  // namespace argus::trace::detail
