// An exporter that keeps deep copies of what it receives, for tests: wait_for() blocks until a
// number of spans has arrived (or a timeout passes), so tests synchronise without sleeping.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "argus/trace/exporter.h"

namespace argus::trace {

class InMemoryExporter final : public SpanExporter {
 public:
  // Shared storage, so a test keeps access after the exporter moves into a processor.
  class Storage {
   public:
    std::vector<SpanData> spans() const;
    std::size_t size() const;
    bool wait_for(std::size_t count, std::chrono::milliseconds timeout) const;
    void clear();
    // Every stored span with this name, in arrival order.
    std::vector<SpanData> find(std::string_view name) const;

   private:
    friend class InMemoryExporter;
    mutable std::mutex mutex_;
    mutable std::condition_variable cv_;
    std::vector<SpanData> spans_;
  };

  InMemoryExporter() : storage_(std::make_shared<Storage>()) {}
  std::shared_ptr<Storage> storage() const { return storage_; }
  ExportResult export_spans(std::span<const SpanData* const> spans) noexcept override;

 private:
  std::shared_ptr<Storage> storage_;
};

}  // namespace argus::trace
