// Clocks are injectable so tests can move time by hand instead of sleeping. A span reads the
// clock twice: now() at start (wall time for export, monotonic time for the duration) and
// monotonic_ns() at end, so durations never go negative when the wall clock jumps.
#pragma once

#include <atomic>
#include <cstdint>

namespace argus::trace {

struct ClockReading {
  std::int64_t unix_ns;       // wall clock, nanoseconds since the Unix epoch
  std::int64_t monotonic_ns;  // arbitrary origin, never goes backwards
};

class Clock {
 public:
  virtual ~Clock() = default;
  virtual ClockReading now() noexcept = 0;
  virtual std::int64_t monotonic_ns() noexcept = 0;
};

// The process's real clock. Wall time is derived from the monotonic clock plus an offset that
// is re-read at most once a second, so a span costs one clock read at each end.
Clock& system_clock() noexcept;

// A clock that only moves when told to; for tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t unix_ns = 1'700'000'000'000'000'000) : unix_ns_(unix_ns) {}
  ClockReading now() noexcept override {
    auto mono = mono_ns_.load();
    return {unix_ns_ + mono, mono};
  }
  std::int64_t monotonic_ns() noexcept override { return mono_ns_.load(); }
  void advance_ns(std::int64_t ns) noexcept { mono_ns_.fetch_add(ns); }

 private:
  std::int64_t unix_ns_;
  std::atomic<std::int64_t> mono_ns_{0};
};

}  // namespace argus::trace
