// SpanExporter: sends finished spans somewhere (a collector, the console, memory). Exporters are
// called from one thread at a time (the processor's export thread) and must not keep the span
// pointers after export() returns: the records are recycled. shutdown() may be called from
// another thread while an export is in progress and should make it return promptly.
//
// An exporter whose wire format holds each span as an independent piece may also offer a
// SpanEncoder. The batch processor then encodes every span on the thread that ends it, while
// the record is still in that core's cache, recycles the record at once, and later hands the
// export thread the encoded pieces (export_encoded) instead of records.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "argus/trace/span_data.h"

namespace argus::trace {

enum class ExportResult : std::uint8_t { kSuccess, kFailure };

// One span in its exporter's wire format, with the resource and scope it is grouped under.
struct EncodedSpan {
  const Resource* resource = nullptr;
  const InstrumentationScope* scope = nullptr;
  std::string_view bytes;
};

class SpanEncoder {
 public:
  virtual ~SpanEncoder() = default;
  // The encoding of `span`, valid until the calling thread's next call; empty if it could not
  // be encoded (the processor then queues the record itself). Called concurrently from every
  // thread that ends spans.
  virtual std::string_view encode(const SpanData& span) const noexcept = 0;
  // Whether encode() handles spans that refer to a shared AttributeSet.
  virtual bool takes_attribute_sets() const noexcept { return false; }
};

class SpanExporter {
 public:
  virtual ~SpanExporter() = default;
  virtual ExportResult export_spans(std::span<const SpanData* const> spans) noexcept = 0;
  // The optional encoded path. An exporter that returns an encoder exports what it encoded
  // through export_encoded; the views are valid until that call returns.
  virtual const SpanEncoder* encoder() const noexcept { return nullptr; }
  virtual ExportResult export_encoded(std::span<const EncodedSpan> /*spans*/) noexcept {
    return ExportResult::kFailure;
  }
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
