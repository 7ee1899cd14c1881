// Span records are recycled instead of freed: each thread keeps a small cache, refilled from
// and drained to a shared, bounded free list. Steady-state span recording therefore does not
// touch the heap, and the shared lock is taken once per batch rather than once per span.
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>

#include "argus/trace/span_data.h"

namespace argus::trace::detail {

inline constexpr std::size_t kLocalCacheMax = 256;

// Plain data, so the hot path has no thread_local initialisation guard. The registration that
// hands the cache back at thread exit is set up only on the slow path.
struct LocalSpanCache {
  SpanData* items[kLocalCacheMax];
  std::size_t size;
};
inline thread_local LocalSpanCache t_span_cache{};

// The three cache lines a span without events, links or error message touches. A plain
// prefetch: this thread is usually the records' last writer (PREFETCHW measured no better).
inline void prefetch_for_write(const SpanData* span) noexcept {
  const char* p = reinterpret_cast<const char*>(span);
  __builtin_prefetch(p, 1);
  __builtin_prefetch(p + 64, 1);
  __builtin_prefetch(p + 128, 1);
}

// Refills the thread's cache from the shared pool (or allocates); out of line.
SpanData* acquire_span_data_slow();

// Whether `span` last recorded a span called `name`: such a record most likely holds the same
// attribute keys and many of the same values, which are then compared instead of copied (and
// their memory, which the export thread reads, stays unwritten).
inline bool same_shape(const SpanData* span, std::string_view name) noexcept {
  return same_text(span->name, name);
}

// Takes the most recently cached record, or the one below it when only that one last recorded
// a span of the same name: spans end in a different order than they start (a request's span
// ends after its children), so the top record is often the shape of a sibling.
inline SpanData* acquire_span_data(std::string_view name) {
  LocalSpanCache& cache = t_span_cache;
  if (__builtin_expect(cache.size == 0, 0)) return acquire_span_data_slow();
  SpanData* span = cache.items[--cache.size];
  if (cache.size != 0 && !same_shape(span, name)) {
    SpanData*& below = cache.items[cache.size - 1];
    if (same_shape(below, name)) std::swap(span, below);
  }
  // Records come back through the batch processor long after they were last written, so they
  // are rarely in the first-level cache: start fetching the next span's lines now, while this
  // one is recorded.
  if (__builtin_expect(cache.size > 1, 1)) prefetch_for_write(cache.items[cache.size - 2]);
  span->reset();  // here, on the recording thread, so the export thread never writes records
  return span;
}

}  // namespace argus::trace::detail
