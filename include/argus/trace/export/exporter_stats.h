// Counters and the log hook shared by the network exporters (OTLP, Jaeger, Zipkin). Every
// exporter counts what it sent, dropped and failed, keeps its last error, and reports each kind
// of failure once through a LogHook instead of printing on every batch.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace argus::trace {

struct ExporterStats {
  std::uint64_t spans_exported = 0;   // accepted by the collector (or sent, for UDP)
  std::uint64_t spans_dropped = 0;    // given up on: failed batches, rejected by the collector
  std::uint64_t spans_truncated = 0;  // sent with tags/logs removed to fit a datagram
  std::uint64_t failed_batches = 0;   // export_spans calls that failed
  std::uint64_t retries = 0;          // extra HTTP attempts after 429/502/503/504/transport errors
  std::string last_error;             // empty until something failed; never contains secrets
};

// Receives one line per new kind of failure (e.g. "zipkin: HTTP 400 ..."). Called on the export
// thread; it must not call back into the exporter. Empty: lines go to stderr.
using LogHook = std::function<void(std::string_view line)>;

// Retries of the HTTP exporters: exponential backoff from `initial_backoff` (doubling, capped at
// `max_backoff`, or the server's Retry-After when present and not above `max_backoff`), at most
// `max_attempts` attempts in all and never past `max_elapsed` for one batch.
struct RetryPolicy {
  int max_attempts = 5;
  std::chrono::milliseconds initial_backoff{1000};
  std::chrono::milliseconds max_backoff{5000};
  std::chrono::milliseconds max_elapsed{30000};
};

}  // namespace argus::trace
