#include "trace/core/span_pool.h"

#include <mutex>
#include <vector>

#include "argus/trace/processor.h"

namespace argus::trace {
namespace {

using detail::kLocalCacheMax;
constexpr std::size_t kRefillBatch = 64;
constexpr std::size_t kSharedMax = 8192;

class SharedPool {
 public:
  // Moves up to `n` records to `out`; returns how many.
  std::size_t take(SpanData** out, std::size_t n) {
    std::lock_guard lock(mutex_);
    std::size_t got = 0;
    for (; got < n && !free_.empty(); ++got) {
      out[got] = free_.back();
      free_.pop_back();
    }
    return got;
  }

  void give(std::span<SpanData* const> spans) noexcept {
    std::size_t kept = 0;
    {
      std::lock_guard lock(mutex_);
      for (; kept < spans.size() && free_.size() < kSharedMax; ++kept) free_.push_back(spans[kept]);
    }
    for (std::size_t i = kept; i < spans.size(); ++i) delete spans[i];
  }

 private:
  std::mutex mutex_;
  std::vector<SpanData*> free_;
};

SharedPool& shared_pool() {
  static SharedPool* pool = new SharedPool();  // never destroyed: threads may exit after main
  return *pool;
}

struct LocalCacheReturner {
  ~LocalCacheReturner() {
    shared_pool().give({detail::t_span_cache.items, detail::t_span_cache.size});
    detail::t_span_cache.size = 0;
  }
};

void ensure_returned_at_thread_exit() {
  thread_local LocalCacheReturner returner;
  (void)returner;
}

}  // namespace

namespace detail {
SpanData* acquire_span_data_slow() {
  LocalSpanCache& cache = t_span_cache;
  ensure_returned_at_thread_exit();
  cache.size = shared_pool().take(cache.items, kRefillBatch);
  if (cache.size == 0) return new SpanData();  // owned by the pools from now on
  SpanData* span = cache.items[--cache.size];
  span->reset();
  return span;
}
}  // namespace detail

void recycle_span_data(SpanData* span) noexcept {
  if (span == nullptr) return;
  detail::LocalSpanCache& cache = detail::t_span_cache;
  if (cache.size < kLocalCacheMax) {
    if (cache.size == 0) ensure_returned_at_thread_exit();
    cache.items[cache.size++] = span;
  } else {
    shared_pool().give({&span, 1});
  }
}

void recycle_span_data(std::span<SpanData* const> spans) noexcept {
  shared_pool().give(spans);
}

}  // namespace argus::trace
