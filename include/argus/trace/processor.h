// Span processors receive every recording span when it ends. The BatchSpanProcessor queues
// spans in bounded per-thread rings and exports them from one background thread: ending a span
// never waits on the exporter or on another thread that ends spans; when a ring is full the span
// is dropped and counted. (With an encoder, a thread stages its spans and encodes them 32 at a
// time, under a mutex of its own that the export thread takes only to collect what is staged at
// a timed export, a flush or shutdown.) The SimpleSpanProcessor exports synchronously (tests,
// debugging).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include "argus/trace/expected.h"
#include "argus/trace/exporter.h"
#include "argus/trace/span_data.h"

namespace argus::trace {

struct ProcessorStats {
  std::uint64_t spans_queued = 0;     // accepted by on_end, and not dropped since
  std::uint64_t spans_dropped = 0;    // rejected: queue full, or after shutdown
  std::uint64_t spans_exported = 0;   // handed to an export that succeeded
  std::uint64_t spans_failed = 0;     // handed to an export that failed
  std::uint64_t export_failures = 0;  // failed export calls (batches)
};

class SpanProcessor {
 public:
  virtual ~SpanProcessor() = default;
  // Takes ownership of `span`; must eventually pass it to recycle_span_data().
  virtual void on_end(SpanData* span) noexcept = 0;
  virtual bool force_flush(std::chrono::milliseconds timeout) noexcept = 0;
  virtual bool shutdown(std::chrono::milliseconds timeout) noexcept = 0;
  virtual ProcessorStats stats() const noexcept = 0;
  // Whether on_end accepts spans that still refer to a shared AttributeSet (SpanData::
  // attribute_set). If not, every span's own copy is made before on_end.
  virtual bool takes_attribute_sets() const noexcept { return false; }
};

// Returns ended span records to the pool they came from.
void recycle_span_data(SpanData* span) noexcept;
void recycle_span_data(std::span<SpanData* const> spans) noexcept;

class SimpleSpanProcessor final : public SpanProcessor {
 public:
  explicit SimpleSpanProcessor(std::unique_ptr<SpanExporter> exporter);
  ~SimpleSpanProcessor() override;
  void on_end(SpanData* span) noexcept override;
  bool force_flush(std::chrono::milliseconds timeout) noexcept override;
  bool shutdown(std::chrono::milliseconds timeout) noexcept override;
  ProcessorStats stats() const noexcept override;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

struct BatchSpanProcessorOptions {
  // Per thread that ends spans. With an exporter that encodes spans as they end, each thread also
  // has an arena of 512 bytes per queued span (at most 64 MiB); larger spans fill it sooner.
  std::uint32_t max_queue_size = 2048;
  std::uint32_t max_export_batch_size = 512;
  std::chrono::milliseconds schedule_delay{5000};
  std::chrono::milliseconds export_timeout{30000};  // passed to exporters that honour it
};

// "Parsed, not validated": options become a processor or an error saying what is wrong.
class BatchSpanProcessor final : public SpanProcessor {
 public:
  static Expected<std::unique_ptr<BatchSpanProcessor>> create(
      std::unique_ptr<SpanExporter> exporter, const BatchSpanProcessorOptions& options = {});
  ~BatchSpanProcessor() override;

  void on_end(SpanData* span) noexcept override;
  bool force_flush(std::chrono::milliseconds timeout) noexcept override;
  // Exports what is queued and stops the thread. Returns false if that did not finish within
  // `timeout` (a hung exporter); the thread is then abandoned and finishes on its own.
  bool shutdown(std::chrono::milliseconds timeout) noexcept override;
  ProcessorStats stats() const noexcept override;
  // When its exporter's encoder does (OTLP over protobuf).
  bool takes_attribute_sets() const noexcept override;

  struct State;

 private:
  explicit BatchSpanProcessor(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
  std::mutex worker_mutex_;
  std::thread worker_;
  std::atomic<bool> abandoned_{false};
};

}  // namespace argus::trace
