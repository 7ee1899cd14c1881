// The system clock. On x86-64 machines whose kernel itself times with the TSC, monotonic time
// is read from the TSC (about half the cost of clock_gettime) and converted with a scale that
// is calibrated against CLOCK_MONOTONIC at start-up and re-anchored every second, so it follows
// CLOCK_MONOTONIC to within microseconds. Anywhere else it is clock_gettime(CLOCK_MONOTONIC).
// Wall time is monotonic time plus an offset to CLOCK_REALTIME re-read at most once a second,
// so spans pay for one clock read at each end and still follow NTP adjustments.
#include <time.h>

#include <algorithm>
#include <fstream>
#include <string>

#include "argus/trace/clock.h"

namespace argus::trace {
namespace {

constexpr std::int64_t kRefreshNs = 1'000'000'000;
constexpr std::int64_t kCalibrationNs = 2'000'000;

std::int64_t read_ns(clockid_t id) noexcept {
  timespec ts;
  clock_gettime(id, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

#if defined(__x86_64__)
inline std::uint64_t read_tsc() noexcept { return __builtin_ia32_rdtsc(); }

bool kernel_trusts_tsc() noexcept {
  std::ifstream f("/sys/devices/system/clocksource/clocksource0/current_clocksource");
  std::string source;
  return f && (f >> source) && source == "tsc";
}

// TSC ticks to nanoseconds: mono = base_mono + ((tsc - base_tsc) * mult) >> 32. The three
// values change together under a sequence lock, re-anchored by whichever thread sees them stale.
class TscConverter {
  struct Conversion {
    std::uint64_t version = 0;  // 0: never loaded (published versions are even and >= 2)
    std::uint64_t base_tsc = 0;
    std::int64_t base_mono = 0;
    std::uint64_t mult = 0;
    std::int64_t last = 0;  // the last value this thread returned
  };

 public:
  bool init() noexcept {
    if (!kernel_trusts_tsc()) return false;
    const std::uint64_t tsc0 = read_tsc();
    const std::int64_t mono0 = read_ns(CLOCK_MONOTONIC);
    std::int64_t mono1;
    do {
      mono1 = read_ns(CLOCK_MONOTONIC);
    } while (mono1 - mono0 < kCalibrationNs);
    const std::uint64_t tsc1 = read_tsc();
    if (tsc1 <= tsc0) return false;
    publish(tsc1, mono1, scale(tsc1 - tsc0, mono1 - mono0));
    return true;
  }

  std::int64_t monotonic_ns() noexcept {
    const std::uint64_t tsc = read_tsc();
    // Each thread keeps a copy of the conversion and re-reads it only when its version changed
    // (once a second), so the common path is one relaxed load and a multiply.
    thread_local Conversion local;
    if (local.version != version_.load(std::memory_order_acquire)) load(local);
    const std::uint64_t ticks = tsc > local.base_tsc ? tsc - local.base_tsc : 0;
    const auto delta =
        static_cast<std::int64_t>((static_cast<unsigned __int128>(ticks) * local.mult) >> 32);
    if (delta > kRefreshNs) reanchor(local.base_tsc, local.base_mono, local.mult);
    // A re-anchor may move the scale by a few parts per million; never let a thread see time
    // go backwards because of it.
    const std::int64_t now = std::max(local.base_mono + delta, local.last);
    local.last = now;
    return now;
  }

 private:
  static std::uint64_t scale(std::uint64_t ticks, std::int64_t ns) noexcept {
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(ns) << 32) / ticks);
  }

  void publish(std::uint64_t tsc, std::int64_t mono, std::uint64_t mult) noexcept {
    seq_.fetch_add(1, std::memory_order_acq_rel);
    base_tsc_.store(tsc, std::memory_order_relaxed);
    base_mono_.store(mono, std::memory_order_relaxed);
    mult_.store(mult, std::memory_order_relaxed);
    const std::uint64_t version = seq_.fetch_add(1, std::memory_order_release) + 1;
    version_.store(version, std::memory_order_release);
  }

  void load(Conversion& out) noexcept {
    for (;;) {
      const std::uint64_t s1 = seq_.load(std::memory_order_acquire);
      out.base_tsc = base_tsc_.load(std::memory_order_relaxed);
      out.base_mono = base_mono_.load(std::memory_order_relaxed);
      out.mult = mult_.load(std::memory_order_relaxed);
      std::atomic_thread_fence(std::memory_order_acquire);
      if ((s1 & 1) == 0 && seq_.load(std::memory_order_relaxed) == s1) {
        out.version = s1;
        return;
      }
    }
  }

  // Measures the scale over the last second (precise) and moves the anchor to now.
  // The new anchor starts where the old conversion says "now" is, so the curve stays continuous.
  void reanchor(std::uint64_t old_tsc, std::int64_t old_mono, std::uint64_t old_mult) noexcept {
    if (updating_.exchange(true, std::memory_order_acquire)) return;
    const std::int64_t mono = read_ns(CLOCK_MONOTONIC);
    const std::uint64_t tsc = read_tsc();
    if (tsc > old_tsc && mono > old_mono && base_tsc_.load() == old_tsc) {
      const auto extrapolated = old_mono + static_cast<std::int64_t>(
          (static_cast<unsigned __int128>(tsc - old_tsc) * old_mult) >> 32);
      publish(tsc, std::max(mono, extrapolated), scale(tsc - old_tsc, mono - old_mono));
    }
    updating_.store(false, std::memory_order_release);
  }

  std::atomic<std::uint64_t> seq_{0};
  std::atomic<std::uint64_t> version_{0};
  std::atomic<std::uint64_t> base_tsc_{0};
  std::atomic<std::int64_t> base_mono_{0};
  std::atomic<std::uint64_t> mult_{0};
  std::atomic<bool> updating_{false};
};
#endif

class SystemClock final : public Clock {
 public:
  SystemClock() noexcept {
#if defined(__x86_64__)
    use_tsc_ = tsc_.init();
#endif
    refresh_offset(monotonic_ns());
  }

  ClockReading now() noexcept override {
    const std::int64_t mono = monotonic_ns();
    if (mono - offset_read_at_.load(std::memory_order_relaxed) > kRefreshNs) refresh_offset(mono);
    return {mono + offset_.load(std::memory_order_relaxed), mono};
  }

  std::int64_t monotonic_ns() noexcept override {
#if defined(__x86_64__)
    if (use_tsc_) return tsc_.monotonic_ns();
#endif
    return read_ns(CLOCK_MONOTONIC);
  }

 private:
  void refresh_offset(std::int64_t mono) noexcept {
    offset_read_at_.store(mono, std::memory_order_relaxed);
    offset_.store(read_ns(CLOCK_REALTIME) - monotonic_ns(), std::memory_order_relaxed);
  }

#if defined(__x86_64__)
  TscConverter tsc_;
#endif
  bool use_tsc_ = false;
  std::atomic<std::int64_t> offset_{0};
  std::atomic<std::int64_t> offset_read_at_{0};
};

}  // namespace

Clock& system_clock() noexcept {
  static SystemClock* clock = new SystemClock();  // never destroyed: usable during exit
  return *clock;
}

}  // namespace argus::trace
