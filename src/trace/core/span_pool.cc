#include "trace/core/span_pool.h"

#include <algorithm>
#include <mutex>
#include <vector>

#include "argus/trace/processor.h"

namespace argus::trace {
namespace {

using detail::kLocalCacheMax;
constexpr std::size_t kRefillBatch = 128;
constexpr std::size_t kSharedMax = 8192;

class SharedPool {
 public:
  SharedPool() { free_.reserve(kSharedMax); }  // never grows on the recording path

  // Moves up to `n` records to `out`; returns how many.
  std::size_t take(SpanData** out, std::size_t n) {
    std::lock_guard lock(mutex_);
    const std::size_t got = std::min(n, free_.size());
    std::copy(free_.end() - static_cast<std::ptrdiff_t>(got), free_.end(), out);
    free_.resize(free_.size() - got);
    return got;
  }

  void give(std::span<SpanData* const> spans) noexcept {
    std::size_t kept = 0;
    {
      std::lock_guard lock(mutex_);
      kept = std::min(spans.size(), kSharedMax - std::min(kSharedMax, free_.size()));
      free_.insert(free_.end(), spans.begin(), spans.begin() + static_cast<std::ptrdiff_t>(kept));
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
