// The system clock: one CLOCK_MONOTONIC read per call. The wall clock is that reading plus an
// offset re-read from CLOCK_REALTIME at most once a second, so spans pay for one clock read at
// start and one at end while still following NTP adjustments within a second.
#include "argus/trace/clock.h"

#include <time.h>

namespace argus::trace {
namespace {

constexpr std::int64_t kOffsetRefreshNs = 1'000'000'000;

std::int64_t read_ns(clockid_t id) noexcept {
  timespec ts;
  clock_gettime(id, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

class SystemClock final : public Clock {
 public:
  SystemClock() noexcept { refresh(read_ns(CLOCK_MONOTONIC)); }

  ClockReading now() noexcept override {
    std::int64_t mono = read_ns(CLOCK_MONOTONIC);
    if (mono - refreshed_at_.load(std::memory_order_relaxed) > kOffsetRefreshNs) refresh(mono);
    return {mono + offset_.load(std::memory_order_relaxed), mono};
  }

  std::int64_t monotonic_ns() noexcept override { return read_ns(CLOCK_MONOTONIC); }

 private:
  void refresh(std::int64_t mono) noexcept {
    refreshed_at_.store(mono, std::memory_order_relaxed);
    offset_.store(read_ns(CLOCK_REALTIME) - read_ns(CLOCK_MONOTONIC), std::memory_order_relaxed);
  }

  std::atomic<std::int64_t> offset_{0};
  std::atomic<std::int64_t> refreshed_at_{0};
};

}  // namespace

Clock& system_clock() noexcept {
  static SystemClock* clock = new SystemClock();  // never destroyed: usable during exit
  return *clock;
}

}  // namespace argus::trace
