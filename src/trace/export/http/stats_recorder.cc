// StatsRecorder; see stats_recorder.h.
#include "trace/export/http/stats_recorder.h"

#include <cstdio>

namespace argus::trace::exporting {

namespace {
constexpr std::size_t kMaxLoggedKinds = 64;  // bounds memory if kinds are unbounded (statuses)
}

void StatsRecorder::failed(std::uint64_t spans, std::string_view kind, std::string_view error) {
  dropped_.fetch_add(spans, std::memory_order_relaxed);
  failed_.fetch_add(1, std::memory_order_relaxed);
  {
    std::lock_guard lock(mu_);
    last_error_.assign(error);
  }
  note(kind, error);
}

void StatsRecorder::note(std::string_view kind, std::string_view message) {
  {
    std::lock_guard lock(mu_);
    if (logged_.size() >= kMaxLoggedKinds || logged_.contains(kind)) return;
    logged_.emplace(kind);
  }
  std::string line =
      name_ + ": " + std::string(message) + " (further failures of this kind are only counted)";
  if (log_) {
    log_(line);
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
}

ExporterStats StatsRecorder::snapshot() const {
  ExporterStats s;
  s.spans_exported = exported_.load(std::memory_order_relaxed);
  s.spans_dropped = dropped_.load(std::memory_order_relaxed);
  s.spans_truncated = truncated_.load(std::memory_order_relaxed);
  s.failed_batches = failed_.load(std::memory_order_relaxed);
  s.retries = retries_.load(std::memory_order_relaxed);
  std::lock_guard lock(mu_);
  s.last_error = last_error_;
  return s;
}

}  // namespace argus::trace::exporting
