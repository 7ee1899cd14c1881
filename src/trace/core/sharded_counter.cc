#include "trace/core/sharded_counter.h"

namespace argus::trace::detail {

std::size_t this_thread_shard() noexcept {
  static std::atomic<std::size_t> next{0};
  thread_local std::size_t shard = next.fetch_add(1, std::memory_order_relaxed) % ShardedCounter::kShards;
  return shard;
}

}  // namespace argus::trace::detail
