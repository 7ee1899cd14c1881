// A counter that many threads bump without fighting over one cache line: each thread adds to
// its own shard; readers sum the shards. Reads are approximate while writers run, exact after.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace argus::trace::detail {

std::size_t this_thread_shard() noexcept;

class ShardedCounter {
 public:
  static constexpr std::size_t kShards = 16;

  void add(std::uint64_t n = 1) noexcept {
    shards_[this_thread_shard()].value.fetch_add(n, std::memory_order_relaxed);
  }
  std::uint64_t load() const noexcept {
    std::uint64_t sum = 0;
    for (const auto& s : shards_) sum += s.value.load(std::memory_order_relaxed);
    return sum;
  }

 private:
  struct alignas(64) Shard {
    std::atomic<std::uint64_t> value{0};
  };
  Shard shards_[kShards];
};

}  // namespace argus::trace::detail
