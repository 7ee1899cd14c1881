// Helpers shared by the core unit tests: a provider wired to an in-memory exporter through the
// synchronous processor, so a span is visible to the test as soon as it ends.
#pragma once

#include <argus/trace/trace.h>

#include <memory>

namespace argus::trace::testing {

struct RecordingProvider {
  std::shared_ptr<InMemoryExporter::Storage> spans;
  std::unique_ptr<TracerProvider> provider;
  Tracer& tracer() { return provider->tracer("test"); }
};

inline RecordingProvider make_recording_provider(std::unique_ptr<Sampler> sampler = nullptr,
                                                 SpanLimits limits = {}, Clock* clock = nullptr) {
  auto exporter = std::make_unique<InMemoryExporter>();
  RecordingProvider r;
  r.spans = exporter->storage();
  TracerProviderOptions options;
  options.resource.service_name = "unit-test";
  options.sampler = std::move(sampler);
  options.processor = std::make_unique<SimpleSpanProcessor>(std::move(exporter));
  options.limits = limits;
  options.clock = clock;
  r.provider = std::move(*TracerProvider::create(std::move(options)));
  return r;
}

inline SpanContext make_context(TraceId trace_id, SpanId span_id, std::uint8_t flags,
                                bool remote = false, std::string trace_state = {}) {
  SpanContext c;
  c.trace_id = trace_id;
  c.span_id = span_id;
  c.flags = flags;
  c.remote = remote;
  c.trace_state = std::move(trace_state);
  return c;
}

inline TraceId trace_id_with_low(std::uint64_t low) {
  return TraceId::from_halves(0x1234, low);
}

}  // namespace argus::trace::testing
