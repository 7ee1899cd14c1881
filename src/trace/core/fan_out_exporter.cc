#include "argus/trace/exporter.h"

namespace argus::trace {

FanOutExporter::FanOutExporter(std::vector<std::unique_ptr<SpanExporter>> exporters)
    : exporters_(std::move(exporters)) {}

ExportResult FanOutExporter::export_spans(std::span<const SpanData* const> spans) noexcept {
  ExportResult result = ExportResult::kSuccess;
  for (auto& e : exporters_) {
    if (e->export_spans(spans) != ExportResult::kSuccess) result = ExportResult::kFailure;
  }
  return result;
}

bool FanOutExporter::force_flush(std::chrono::milliseconds timeout) noexcept {
  bool ok = true;
  for (auto& e : exporters_) ok &= e->force_flush(timeout);
  return ok;
}

void FanOutExporter::shutdown(std::chrono::milliseconds timeout) noexcept {
  for (auto& e : exporters_) e->shutdown(timeout);
}

}  // namespace argus::trace
