// A counter bumped on hot paths by many threads without sharing a cache line. The first
// kSlots threads of the process each own a slot and increment it without an atomic
// read-modify-write (they are its only writer); later threads share one overflow slot with
// fetch_add. Readers sum the slots: approximate while writers run, exact once they stop.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace argus::trace::detail {

inline constexpr std::uint32_t kCounterSlots = 64;

// 1-based slot of this thread; kCounterSlots + 1 means "overflow".
std::uint32_t assign_counter_slot() noexcept;
inline thread_local std::uint32_t t_counter_slot = 0;

class ShardedCounter {
 public:
  void add(std::uint64_t n = 1) noexcept {
    std::uint32_t slot = t_counter_slot;
    if (slot == 0) slot = t_counter_slot = assign_counter_slot();
    if (slot <= kCounterSlots) {
      auto& v = slots_[slot - 1].value;
      v.store(v.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    } else {
      overflow_.value.fetch_add(n, std::memory_order_relaxed);
    }
  }
  std::uint64_t load() const noexcept {
    std::uint64_t sum = overflow_.value.load(std::memory_order_relaxed);
    for (const auto& s : slots_) sum += s.value.load(std::memory_order_relaxed);
    return sum;
  }

 private:
  struct alignas(64) Slot {
    std::atomic<std::uint64_t> value{0};
  };
  Slot slots_[kCounterSlots];
  Slot overflow_;
};

}  // namespace argus::trace::detail
