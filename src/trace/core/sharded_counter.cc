#include "trace/core/sharded_counter.h"

namespace argus::trace::detail {

std::uint32_t assign_counter_slot() noexcept {
  static std::atomic<std::uint32_t> next{1};
  std::uint32_t slot = next.fetch_add(1, std::memory_order_relaxed);
  return slot <= kCounterSlots ? slot : kCounterSlots + 1;
}

}  // namespace argus::trace::detail
