// The state a TracerProvider shares with its Tracers and Spans. Spans hold a raw pointer to it:
// a provider must outlive the spans it started (as in every tracing SDK).
#pragma once

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>

#include "argus/trace/tracer.h"
#include "trace/core/sharded_counter.h"
#include "trace/core/tsc_clock.h"

namespace argus::trace::detail {

struct ProviderCore {
  Resource resource;
  std::unique_ptr<Sampler> sampler;
  std::unique_ptr<SpanProcessor> processor;
  SpanLimits limits;
  Clock* clock = nullptr;
  bool tsc_clock = false;  // clock is the system clock on the TSC: spans read it inline
  // The sampler's, read at creation and by refresh_sampler_shortcuts(); a relaxed load on the
  // hot path is a plain load.
  std::atomic<SamplerShortcuts> shortcuts{};
  static_assert(std::atomic<SamplerShortcuts>::is_always_lock_free);
  bool enabled = true;
  // The processor counts every span it is handed (queued + dropped), so ends of sampled spans
  // need no counter of their own here.
  bool processor_counts_ends = false;
  bool processor_takes_sets = false;  // SpanProcessor::takes_attribute_sets(), read once
  std::atomic<bool> shut_down{false};
  std::atomic<bool> processor_stopped{false};  // shutdown finished within its timeout

  ShardedCounter spans_started;
  ShardedCounter spans_ended;
  ShardedCounter spans_not_sampled;

  std::mutex tracers_mutex;
  std::deque<Tracer> tracers;

  // A span's start: ticks for its duration, and its wall-clock start.
  struct Start {
    std::uint64_t ticks;
    std::int64_t unix_ns;
  };
  Start start_time() noexcept {
    if (tsc_clock) {
      const std::uint64_t t = TscClock::ticks();
      return {t, TscClock::at(t).unix_ns};
    }
    const ClockReading r = clock->now();
    return {static_cast<std::uint64_t>(r.monotonic_ns), r.unix_ns};
  }
  std::int64_t elapsed_ns(std::uint64_t start_ticks) noexcept {
    if (tsc_clock) return TscClock::elapsed_ns(start_ticks, TscClock::ticks());
    const std::int64_t d = clock->monotonic_ns() - static_cast<std::int64_t>(start_ticks);
    return d > 0 ? d : 0;
  }

  // Hands an ended span to the processor, or recycles it when nothing will export it.
  void finish(SpanData* span) noexcept {
    // After shutdown the processor still receives spans, so it can count them as dropped.
    if (span->context.is_sampled() && processor != nullptr) {
      if (!processor_counts_ends) spans_ended.add();
      if (!processor_takes_sets) span->fold_attribute_set();
      processor->on_end(span);
    } else {
      spans_ended.add();
      recycle_span_data(span);
    }
  }
};

}  // namespace argus::trace::detail
