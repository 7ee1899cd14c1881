// Per-thread span rings: registration on a thread's first push, retirement after it exits.
#include "trace/core/span_rings.h"

#include <algorithm>
#include <utility>

namespace argus::trace::detail {
namespace {

std::uint64_t round_up_pow2(std::size_t n) noexcept {
  std::uint64_t c = 2;
  while (c < n) c <<= 1;
  return c;
}

std::atomic<std::uint64_t> g_next_serial{1};

// The rings a thread owns, so it can mark them when it exits. Created on a thread's first
// push (the slow path); its destructor runs at thread exit.
struct ThreadRings {
  std::vector<std::pair<std::uint64_t, std::shared_ptr<SpanRing>>> rings;
  ~ThreadRings();
};

thread_local bool t_thread_exiting = false;

ThreadRings::~ThreadRings() {
  t_thread_exiting = true;
  t_last_ring = {};
  for (auto& [owner, ring] : rings) ring->producer_exited.store(true, std::memory_order_release);
}

ThreadRings* thread_rings() noexcept {
  if (t_thread_exiting) return nullptr;  // a span ended by another thread_local's destructor
  thread_local ThreadRings rings;
  return &rings;
}

}  // namespace

SpanRing::SpanRing(std::size_t capacity)
    : capacity_(round_up_pow2(capacity)),
      mask_(capacity_ - 1),
      slots_(std::make_unique<SpanData*[]>(capacity_)) {}

std::size_t SpanRing::pop(SpanData** out, std::size_t max) noexcept {
  const std::uint64_t h = head_.load(std::memory_order_relaxed);
  const std::uint64_t t = tail_.load(std::memory_order_acquire);
  const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(t - h, max));
  for (std::size_t i = 0; i < n; ++i) out[i] = slots_[(h + i) & mask_];
  head_.store(h + n, std::memory_order_release);
  return n;
}

SpanRings::SpanRings(std::size_t per_thread_capacity)
    : serial_(g_next_serial.fetch_add(1)), capacity_(per_thread_capacity) {}

SpanRings::~SpanRings() {
  std::lock_guard lock(mutex_);
  for (auto& ring : rings_) ring->consumer_alive.store(false, std::memory_order_release);
}

SpanRing* SpanRings::attach() noexcept {
  ThreadRings* mine = thread_rings();
  if (mine == nullptr) return nullptr;
  SpanRing* found = nullptr;
  // Forget rings whose processor is gone, so threads outliving many providers stay small.
  std::erase_if(mine->rings, [](const auto& entry) {
    return !entry.second->consumer_alive.load(std::memory_order_acquire);
  });
  for (auto& [owner, ring] : mine->rings) {
    if (owner == serial_) found = ring.get();
  }
  if (found == nullptr) {
    try {
      auto ring = std::make_shared<SpanRing>(capacity_);
      {
        std::lock_guard lock(mutex_);
        rings_.push_back(ring);
        version_.fetch_add(1, std::memory_order_release);
      }
      found = ring.get();
      mine->rings.emplace_back(serial_, std::move(ring));
    } catch (...) {
      return nullptr;  // out of memory: the span is dropped and counted
    }
  }
  t_last_ring = {serial_, found};
  return found;
}

std::size_t SpanRings::pop(SpanData** out, std::size_t max) noexcept {
  if (version_.load(std::memory_order_acquire) != snapshot_version_) {
    std::lock_guard lock(mutex_);
    snapshot_ = rings_;
    snapshot_version_ = version_.load(std::memory_order_relaxed);
  }
  std::size_t got = 0;
  const std::size_t n = snapshot_.size();
  for (std::size_t i = 0; i < n && got < max; ++i) {
    got += snapshot_[(next_ + i) % n]->pop(out + got, max - got);
  }
  if (n != 0) next_ = (next_ + 1) % n;
  if (got < max) retire_finished();
  return got;
}

// Rings of exited threads that are empty can go: nothing will ever be pushed to them again.
void SpanRings::retire_finished() noexcept {
  bool any = false;
  for (const auto& ring : snapshot_) {
    any = any || (ring->producer_exited.load(std::memory_order_acquire) && ring->size() == 0);
  }
  if (!any) return;
  std::lock_guard lock(mutex_);
  std::erase_if(rings_, [&](const std::shared_ptr<SpanRing>& ring) {
    if (!ring->producer_exited.load(std::memory_order_acquire) || ring->size() != 0) return false;
    retired_pushed_ += ring->pushed();
    return true;
  });
  version_.fetch_add(1, std::memory_order_release);
}

std::size_t SpanRings::approx_size() const noexcept {
  std::lock_guard lock(mutex_);
  std::size_t total = 0;
  for (const auto& ring : rings_) total += ring->size();
  return total;
}

std::uint64_t SpanRings::pushed() const noexcept {
  std::lock_guard lock(mutex_);
  std::uint64_t total = retired_pushed_;
  for (const auto& ring : rings_) total += ring->pushed();
  return total;
}

}  // namespace argus::trace::detail
