// The state a TracerProvider shares with its Tracers and Spans. Spans hold a raw pointer to it:
// a provider must outlive the spans it started (as in every tracing SDK).
#pragma once

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>

#include "argus/trace/tracer.h"
#include "trace/core/sharded_counter.h"

namespace argus::trace::detail {

struct ProviderCore {
  Resource resource;
  std::unique_ptr<Sampler> sampler;
  std::unique_ptr<SpanProcessor> processor;
  SpanLimits limits;
  Clock* clock = nullptr;
  bool enabled = true;
  std::atomic<bool> shut_down{false};
  std::atomic<bool> processor_stopped{false};  // shutdown finished within its timeout

  ShardedCounter spans_started;
  ShardedCounter spans_ended;
  ShardedCounter spans_not_sampled;

  std::mutex tracers_mutex;
  std::deque<Tracer> tracers;

  // Hands an ended span to the processor, or recycles it when nothing will export it.
  void finish(SpanData* span) noexcept;
};

}  // namespace argus::trace::detail
