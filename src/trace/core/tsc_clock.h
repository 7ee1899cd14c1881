// The system clock's TSC path, inline so the tracer can time a span without a virtual call.
// Monotonic and wall time are linear functions of the TSC: base + ((tsc - base_tsc) * mult)
// >> 32, published together under a sequence lock and re-anchored to CLOCK_MONOTONIC and
// CLOCK_REALTIME about once a second by whichever thread first sees them stale. Used only on
// x86-64 machines whose kernel itself times with the TSC (see clock.cc).
#pragma once

#include <atomic>
#include <cstdint>

namespace argus::trace::detail {

class TscClock {
 public:
  static constexpr std::int64_t kRefreshNs = 1'000'000'000;

  // Calibrates once; false when the TSC must not be used (the clock then uses clock_gettime).
  static bool available() noexcept;

#if defined(__x86_64__)
  static std::uint64_t ticks() noexcept {
    return __builtin_ia32_rdtsc();
  }
#else
  static std::uint64_t ticks() noexcept {
    return 0;
  }
#endif

  // A duration in ticks, in nanoseconds (0 if the ticks went backwards).
  static std::int64_t elapsed_ns(std::uint64_t from, std::uint64_t to) noexcept {
    if (to <= from) return 0;
    const std::uint64_t mult = state_.mult.load(std::memory_order_relaxed);
    return static_cast<std::int64_t>((static_cast<unsigned __int128>(to - from) * mult) >> 32);
  }

  struct Reading {
    std::int64_t unix_ns;
    std::int64_t monotonic_ns;
  };

  // Wall and monotonic time at `tsc`.
  static Reading at(std::uint64_t tsc) noexcept {
    std::uint64_t base_tsc, mult;
    std::int64_t base_mono, base_unix;
    for (;;) {
      const std::uint64_t s1 = state_.seq.load(std::memory_order_acquire);
      base_tsc = state_.base_tsc.load(std::memory_order_relaxed);
      base_mono = state_.base_mono.load(std::memory_order_relaxed);
      base_unix = state_.base_unix.load(std::memory_order_relaxed);
      mult = state_.mult.load(std::memory_order_relaxed);
      std::atomic_thread_fence(std::memory_order_acquire);
      if ((s1 & 1) == 0 && state_.seq.load(std::memory_order_relaxed) == s1) break;
    }
    const std::uint64_t d = tsc > base_tsc ? tsc - base_tsc : 0;
    const auto delta = static_cast<std::int64_t>((static_cast<unsigned __int128>(d) * mult) >> 32);
    if (__builtin_expect(delta > kRefreshNs, 0)) reanchor(base_tsc);
    return {base_unix + delta, base_mono + delta};
  }

 private:
  struct State {
    std::atomic<std::uint64_t> seq{0};
    std::atomic<std::uint64_t> base_tsc{0};
    std::atomic<std::int64_t> base_mono{0};
    std::atomic<std::int64_t> base_unix{0};
    std::atomic<std::uint64_t> mult{0};
    std::atomic<bool> updating{false};
  };

  // Measures the scale over the last interval and moves the anchor to now (out of line: once
  // a second). `seen_base` is the anchor the caller used, so racing callers re-anchor once.
  [[gnu::cold, gnu::noinline]] static void reanchor(std::uint64_t seen_base) noexcept;
  static void publish(std::uint64_t tsc, std::int64_t mono, std::int64_t unix_ns,
                      std::uint64_t mult) noexcept;
  friend struct TscClockInit;

  alignas(64) static State state_;
};

}  // namespace argus::trace::detail
