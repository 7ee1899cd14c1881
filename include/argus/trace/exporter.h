// SpanExporter: sends finished spans somewhere (a collector, the console, memory). Exporters are
// called from one thread at a time (the processor's export thread) and must not keep the span
// pointers after export() returns: the records are recycled. shutdown() may be called from
// another thread while an export is in progress and should make it return promptly.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "argus/trace/span_data.h"

namespace argus::trace {

enum class ExportResult : std::uint8_t { kSuccess, kFailure };

class SpanExporter {
 public:
  virtual ~SpanExporter() = default;
  virtual ExportResult export_spans(std::span<const SpanData* const> spans) noexcept = 0;
  virtual bool force_flush(std::chrono::milliseconds /*timeout*/) noexcept { return true; }
  virtual void shutdown(std::chrono::milliseconds /*timeout*/) noexcept {}
};

// Sends every batch to each of several exporters, in order. The batch fails if any fails.
class FanOutExporter final : public SpanExporter {
 public:
  explicit FanOutExporter(std::vector<std::unique_ptr<SpanExporter>> exporters);
  ExportResult export_spans(std::span<const SpanData* const> spans) noexcept override;
  bool force_flush(std::chrono::milliseconds timeout) noexcept override;
  void shutdown(std::chrono::milliseconds timeout) noexcept override;

 private:
  std::vector<std::unique_ptr<SpanExporter>> exporters_;
};

}  // namespace argus::trace
