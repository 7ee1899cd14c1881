// The system clock. On x86-64 machines whose kernel itself times with the TSC, time is read
// from the TSC (a fraction of the cost of clock_gettime) and converted with a scale calibrated
// against CLOCK_MONOTONIC at start-up and re-anchored every second (tsc_clock.h), so it follows
// CLOCK_MONOTONIC to within microseconds and CLOCK_REALTIME's adjustments within a second.
// Anywhere else it is clock_gettime.
#include "argus/trace/clock.h"

#include <time.h>

#include <algorithm>
#include <fstream>
#include <string>

#include "trace/core/tsc_clock.h"

namespace argus::trace {
namespace detail {
namespace {

constexpr std::int64_t kCalibrationNs = 2'000'000;

std::int64_t read_ns(clockid_t id) noexcept {
  timespec ts;
  clock_gettime(id, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::uint64_t scale(std::uint64_t ticks, std::int64_t ns) noexcept {
  return static_cast<std::uint64_t>((static_cast<unsigned __int128>(ns) << 32) / ticks);
}

bool kernel_trusts_tsc() noexcept {
#if defined(__x86_64__)
  std::ifstream f("/sys/devices/system/clocksource/clocksource0/current_clocksource");
  std::string source;
  return f && (f >> source) && source == "tsc";
#else
  return false;
#endif
}

// One (TSC, CLOCK_MONOTONIC) pair, taken between two TSC reads close enough together that the
// pair cannot straddle a preemption: the tightest bracket of a few tries wins.
struct Pair {
  std::uint64_t tsc;
  std::int64_t mono;
};

Pair tight_pair() noexcept {
  Pair best{0, 0};
  std::uint64_t best_width = ~std::uint64_t{0};
  for (int i = 0; i < 16; ++i) {
    const std::uint64_t before = TscClock::ticks();
    const std::int64_t mono = read_ns(CLOCK_MONOTONIC);
    const std::uint64_t after = TscClock::ticks();
    if (after >= before && after - before < best_width) {
      best_width = after - before;
      best = {before + (after - before) / 2, mono};
    }
  }
  return best;
}

}  // namespace

alignas(64) TscClock::State TscClock::state_;

struct TscClockInit {
  static bool calibrate() noexcept {
    if (!kernel_trusts_tsc()) return false;
    const Pair first = tight_pair();
    while (read_ns(CLOCK_MONOTONIC) - first.mono < kCalibrationNs) {
    }
    const Pair last = tight_pair();
    if (last.tsc <= first.tsc || last.mono <= first.mono) return false;
    TscClock::publish(last.tsc, last.mono, read_ns(CLOCK_REALTIME),
                      scale(last.tsc - first.tsc, last.mono - first.mono));
    return true;
  }
};

bool TscClock::available() noexcept {
  static const bool ok = TscClockInit::calibrate();
  return ok;
}

void TscClock::publish(std::uint64_t tsc, std::int64_t mono, std::int64_t unix_ns,
                       std::uint64_t mult) noexcept {
  state_.seq.fetch_add(1, std::memory_order_acq_rel);
  state_.base_tsc.store(tsc, std::memory_order_relaxed);
  state_.base_mono.store(mono, std::memory_order_relaxed);
  state_.base_unix.store(unix_ns, std::memory_order_relaxed);
  state_.mult.store(mult, std::memory_order_relaxed);
  state_.seq.fetch_add(1, std::memory_order_release);
}

// The new anchor starts where the old conversion says "now" is (or later, if CLOCK_MONOTONIC
// is ahead), so monotonic time stays continuous; wall time takes CLOCK_REALTIME as it is.
void TscClock::reanchor(std::uint64_t seen_base) noexcept {
  if (state_.updating.exchange(true, std::memory_order_acquire)) return;
  const std::uint64_t old_tsc = state_.base_tsc.load(std::memory_order_relaxed);
  const std::int64_t old_mono = state_.base_mono.load(std::memory_order_relaxed);
  const std::uint64_t old_mult = state_.mult.load(std::memory_order_relaxed);
  const Pair now = tight_pair();
  const std::int64_t mono = now.mono;
  const std::int64_t unix_ns = read_ns(CLOCK_REALTIME);
  const std::uint64_t tsc = now.tsc;
  if (old_tsc == seen_base && tsc > old_tsc && mono > old_mono) {
    const auto extrapolated =
        old_mono +
        static_cast<std::int64_t>((static_cast<unsigned __int128>(tsc - old_tsc) * old_mult) >> 32);
    publish(tsc, std::max(mono, extrapolated), unix_ns, scale(tsc - old_tsc, mono - old_mono));
  }
  state_.updating.store(false, std::memory_order_release);
}

}  // namespace detail

namespace {

constexpr std::int64_t kRefreshNs = 1'000'000'000;

class SystemClock final : public Clock {
 public:
  SystemClock() noexcept : use_tsc_(detail::TscClock::available()) {
    refresh_offset(monotonic_ns());
  }

  ClockReading now() noexcept override {
    if (use_tsc_) {
      const auto r = detail::TscClock::at(detail::TscClock::ticks());
      return {r.unix_ns, never_backwards(r.monotonic_ns)};
    }
    const std::int64_t mono = detail::read_ns(CLOCK_MONOTONIC);
    if (mono - offset_read_at_.load(std::memory_order_relaxed) > kRefreshNs) refresh_offset(mono);
    return {mono + offset_.load(std::memory_order_relaxed), mono};
  }

  std::int64_t monotonic_ns() noexcept override {
    if (use_tsc_) {
      return never_backwards(detail::TscClock::at(detail::TscClock::ticks()).monotonic_ns);
    }
    return detail::read_ns(CLOCK_MONOTONIC);
  }

 private:
  // A re-anchor may move the scale by a few parts per million; a thread never sees monotonic
  // time go backwards because of it.
  static std::int64_t never_backwards(std::int64_t mono) noexcept {
    thread_local std::int64_t last = 0;
    last = std::max(last, mono);
    return last;
  }

  void refresh_offset(std::int64_t mono) noexcept {
    offset_read_at_.store(mono, std::memory_order_relaxed);
    offset_.store(detail::read_ns(CLOCK_REALTIME) - mono, std::memory_order_relaxed);
  }

  const bool use_tsc_;
  std::atomic<std::int64_t> offset_{0};
  std::atomic<std::int64_t> offset_read_at_{0};
};

}  // namespace

Clock& system_clock() noexcept {
  static SystemClock* clock = new SystemClock();  // never destroyed: usable during exit
  return *clock;
}

}  // namespace argus::trace
