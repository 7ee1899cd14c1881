#include "argus/trace/in_memory_exporter.h"

namespace argus::trace {

ExportResult InMemoryExporter::export_spans(std::span<const SpanData* const> spans) noexcept {
  {
    std::lock_guard lock(storage_->mutex_);
    for (const SpanData* s : spans) storage_->spans_.push_back(*s);
  }
  storage_->cv_.notify_all();
  return ExportResult::kSuccess;
}

std::vector<SpanData> InMemoryExporter::Storage::spans() const {
  std::lock_guard lock(mutex_);
  return spans_;
}

std::size_t InMemoryExporter::Storage::size() const {
  std::lock_guard lock(mutex_);
  return spans_.size();
}

bool InMemoryExporter::Storage::wait_for(std::size_t count,
                                         std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, timeout, [&] { return spans_.size() >= count; });
}

void InMemoryExporter::Storage::clear() {
  std::lock_guard lock(mutex_);
  spans_.clear();
}

std::vector<SpanData> InMemoryExporter::Storage::find(std::string_view name) const {
  std::lock_guard lock(mutex_);
  std::vector<SpanData> out;
  for (const auto& s : spans_) {
    if (s.name == name) out.push_back(s);
  }
  return out;
}

}  // namespace argus::trace
