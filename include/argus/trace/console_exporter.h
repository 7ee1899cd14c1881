// The console exporter prints each finished trace as an indented tree: name, duration, status
// and tags. It is the embedded default for seeing traces without a collector. Spans are held per
// trace until the trace's local root ends; traces whose root never arrives are printed anyway
// (as orphans) when more than `max_pending_traces` are waiting, and at flush or shutdown.
#pragma once

#include <cstddef>
#include <memory>
#include <ostream>

#include "argus/trace/exporter.h"

namespace argus::trace {

struct ConsoleExporterOptions {
  std::size_t max_pending_traces = 1024;
  std::size_t max_value_chars = 80;  // longer tag values are shortened with "…"
  bool color = false;
};

class ConsoleExporter final : public SpanExporter {
 public:
  // `out` must outlive the exporter; std::cout by default.
  explicit ConsoleExporter(std::ostream* out = nullptr, ConsoleExporterOptions options = {});
  ~ConsoleExporter() override;
  ExportResult export_spans(std::span<const SpanData* const> spans) noexcept override;
  bool force_flush(std::chrono::milliseconds timeout) noexcept override;
  void shutdown(std::chrono::milliseconds timeout) noexcept override;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace argus::trace
