// Thread-safe counters behind ExporterStats, plus the "log each kind of failure once" rule: the
// first failure of a kind (e.g. "HTTP 400", "connect") is reported through the LogHook, later
// ones only counted, so a dead collector does not flood the logs.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "argus/trace/export/exporter_stats.h"

namespace argus::trace::exporting {

class StatsRecorder {
 public:
  StatsRecorder(std::string name, LogHook log) : name_(std::move(name)), log_(std::move(log)) {}

  void exported(std::uint64_t n) { exported_.fetch_add(n, std::memory_order_relaxed); }
  void truncated(std::uint64_t n) { truncated_.fetch_add(n, std::memory_order_relaxed); }
  void retried() { retries_.fetch_add(1, std::memory_order_relaxed); }
  // A batch of `spans` spans was given up on because of `error` (of failure kind `kind`).
  void failed(std::uint64_t spans, std::string_view kind, std::string_view error);
  // Logs `message` once per `kind` without counting anything.
  void note(std::string_view kind, std::string_view message);
  ExporterStats snapshot() const;

 private:
  std::string name_;
  LogHook log_;
  std::atomic<std::uint64_t> exported_{0}, dropped_{0}, truncated_{0}, failed_{0}, retries_{0};
  mutable std::mutex mu_;
  std::string last_error_;
  std::set<std::string, std::less<>> logged_;
};

}  // namespace argus::trace::exporting
