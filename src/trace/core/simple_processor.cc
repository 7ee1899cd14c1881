// The simple processor exports each span on the thread that ends it. Only for tests and
// debugging: a slow exporter slows the caller.
#include <mutex>

#include "argus/trace/processor.h"

namespace argus::trace {

struct SimpleSpanProcessor::State {
  std::mutex mutex;
  std::unique_ptr<SpanExporter> exporter;
  bool shut_down = false;
  ProcessorStats stats;
};

SimpleSpanProcessor::SimpleSpanProcessor(std::unique_ptr<SpanExporter> exporter)
    : state_(std::make_unique<State>()) {
  state_->exporter = std::move(exporter);
}

SimpleSpanProcessor::~SimpleSpanProcessor() {
  shutdown(std::chrono::seconds(5));
}

void SimpleSpanProcessor::on_end(SpanData* span) noexcept {
  {
    std::lock_guard lock(state_->mutex);
    auto& stats = state_->stats;
    if (state_->shut_down || !state_->exporter) {
      ++stats.spans_dropped;
    } else {
      ++stats.spans_queued;
      const SpanData* batch[] = {span};
      if (state_->exporter->export_spans(batch) == ExportResult::kSuccess) {
        ++stats.spans_exported;
      } else {
        ++stats.spans_failed;
        ++stats.export_failures;
      }
    }
  }
  recycle_span_data(span);
}

bool SimpleSpanProcessor::force_flush(std::chrono::milliseconds timeout) noexcept {
  std::lock_guard lock(state_->mutex);
  return state_->exporter ? state_->exporter->force_flush(timeout) : true;
}

bool SimpleSpanProcessor::shutdown(std::chrono::milliseconds timeout) noexcept {
  std::lock_guard lock(state_->mutex);
  if (state_->shut_down) return true;
  state_->shut_down = true;
  if (state_->exporter) state_->exporter->shutdown(timeout);
  return true;
}

ProcessorStats SimpleSpanProcessor::stats() const noexcept {
  std::lock_guard lock(state_->mutex);
  return state_->stats;
}

}  // namespace argus::trace
