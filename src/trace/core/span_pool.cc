#include "trace/core/span_pool.h"

#include <mutex>
#include <vector>

#include "argus/trace/processor.h"

namespace argus::trace {
namespace {

constexpr std::size_t kLocalCacheMax = 256;
constexpr std::size_t kRefillBatch = 64;
constexpr std::size_t kSharedMax = 8192;

class SharedPool {
 public:
  // Moves up to `n` records into `out`.
  void take(std::vector<SpanData*>& out, std::size_t n) {
    std::lock_guard lock(mutex_);
    while (n-- > 0 && !free_.empty()) {
      out.push_back(free_.back());
      free_.pop_back();
    }
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

struct LocalCache {
  LocalCache() { items.reserve(kLocalCacheMax); }
  ~LocalCache() { shared_pool().give(items); }
  std::vector<SpanData*> items;
};

LocalCache& local_cache() {
  thread_local LocalCache cache;
  return cache;
}

}  // namespace

namespace detail {
SpanData* acquire_span_data() {
  auto& cache = local_cache().items;
  if (cache.empty()) shared_pool().take(cache, kRefillBatch);
  if (cache.empty()) return new SpanData();
  SpanData* span = cache.back();
  cache.pop_back();
  return span;
}
}  // namespace detail

void recycle_span_data(SpanData* span) noexcept {
  if (span == nullptr) return;
  span->reset();
  auto& cache = local_cache().items;
  if (cache.size() < kLocalCacheMax) {
    cache.push_back(span);
  } else {
    shared_pool().give({&span, 1});
  }
}

void recycle_span_data(std::span<SpanData* const> spans) noexcept {
  for (SpanData* s : spans) s->reset();
  shared_pool().give(spans);
}

}  // namespace argus::trace
