// A bounded multi-producer queue of pointers (Dmitry Vyukov's array queue): producers never
// block and never take a lock; a full queue refuses the item. The capacity is rounded up to a
// power of two.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace argus::trace::detail {

template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(std::size_t min_capacity)
      : capacity_(round_up_pow2(min_capacity)),
        mask_(capacity_ - 1),
        cells_(std::make_unique<Cell[]>(capacity_)) {
    for (std::size_t i = 0; i < capacity_; ++i) cells_[i].seq.store(i, std::memory_order_relaxed);
  }

  std::size_t capacity() const noexcept { return capacity_; }

  // Returns the position the item took (0-based, ever increasing), or -1 when full.
  std::int64_t try_push(T value) noexcept {
    std::size_t pos = tail_.load(std::memory_order_relaxed);
    for (;;) {
      Cell& cell = cells_[pos & mask_];
      std::size_t seq = cell.seq.load(std::memory_order_acquire);
      auto diff = static_cast<std::intptr_t>(seq) - static_cast<std::intptr_t>(pos);
      if (diff == 0) {
        if (tail_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
          cell.value = value;
          cell.seq.store(pos + 1, std::memory_order_release);
          return static_cast<std::int64_t>(pos);
        }
      } else if (diff < 0) {
        return -1;
      } else {
        pos = tail_.load(std::memory_order_relaxed);
      }
    }
  }

  bool try_pop(T& out) noexcept {
    std::size_t pos = head_.load(std::memory_order_relaxed);
    for (;;) {
      Cell& cell = cells_[pos & mask_];
      std::size_t seq = cell.seq.load(std::memory_order_acquire);
      auto diff = static_cast<std::intptr_t>(seq) - static_cast<std::intptr_t>(pos + 1);
      if (diff == 0) {
        if (head_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
          out = cell.value;
          cell.seq.store(pos + mask_ + 1, std::memory_order_release);
          return true;
        }
      } else if (diff < 0) {
        return false;
      } else {
        pos = head_.load(std::memory_order_relaxed);
      }
    }
  }

  // How many items were ever pushed.
  std::size_t pushed() const noexcept { return tail_.load(std::memory_order_relaxed); }

  std::size_t approx_size() const noexcept {
    std::size_t tail = tail_.load(std::memory_order_relaxed);
    std::size_t head = head_.load(std::memory_order_relaxed);
    return tail > head ? tail - head : 0;
  }

 private:
  struct Cell {
    std::atomic<std::size_t> seq;
    T value;
  };

  static std::size_t round_up_pow2(std::size_t n) noexcept {
    std::size_t c = 2;
    while (c < n) c <<= 1;
    return c;
  }

  const std::size_t capacity_;
  const std::size_t mask_;
  std::unique_ptr<Cell[]> cells_;
  alignas(64) std::atomic<std::size_t> tail_{0};
  alignas(64) std::atomic<std::size_t> head_{0};
};

}  // namespace argus::trace::detail
