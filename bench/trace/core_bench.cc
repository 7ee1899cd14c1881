// Core tracing benchmarks: the cost of starting and ending spans through the real pipeline
// (sampler, pooled records, batch processor with an exporter that does nothing), and how many
// heap allocations a span costs once the pools are warm.
#include <argus/trace/trace.h>
#include <benchmark/benchmark.h>

#include <thread>
#include <vector>

#include "trace/alloc_counter.h"
#include "trace/service_spans.h"

using namespace argus::trace;

namespace {

class NoopExporter final : public SpanExporter {
 public:
  ExportResult export_spans(std::span<const SpanData* const>) noexcept override {
    return ExportResult::kSuccess;
  }
};

std::unique_ptr<TracerProvider> make_provider(std::unique_ptr<Sampler> sampler = nullptr,
                                              bool with_processor = true) {
  TracerProviderOptions options;
  options.resource.service_name = "bench";
  options.sampler = std::move(sampler);
  if (with_processor) {
    options.processor = std::move(*BatchSpanProcessor::create(std::make_unique<NoopExporter>()));
  }
  return std::move(*TracerProvider::create(std::move(options)));
}

void record_nominal(Span& span) {
  span.set_attribute("http.method", "GET");
  span.set_attribute("http.route", "/admin/clients/{id}");
  span.set_attribute("http.status_code", std::int64_t{200});
  span.set_attribute("server.port", std::int64_t{4445});
  span.set_attribute("error", false);
  span.set_attribute("sampling.ratio", 0.25);
}

void BM_MinimalSpan(benchmark::State& state) {
  auto provider = make_provider();
  Tracer& tracer = provider->tracer("bench");
  argus::bench::run_counted(state, *provider,
                            [&] { Span span = tracer.start_span("minimal", {.root = true}); });
}
BENCHMARK(BM_MinimalSpan);

// The same without a processor: what recording costs before the hand-off to the export thread.
void BM_MinimalSpanNoProcessor(benchmark::State& state) {
  auto provider = make_provider(nullptr, false);
  Tracer& tracer = provider->tracer("bench");
  argus::bench::run_counted(state, *provider,
                            [&] { Span span = tracer.start_span("minimal", {.root = true}); });
}
BENCHMARK(BM_MinimalSpanNoProcessor);

void BM_NominalSpan(benchmark::State& state) {
  auto provider = make_provider();
  Tracer& tracer = provider->tracer("bench");
  argus::bench::run_counted(state, *provider, [&] {
    Span span =
        tracer.start_span("GET /admin/clients/{id}", {.root = true, .kind = SpanKind::kServer});
    record_nominal(span);
  });
}
BENCHMARK(BM_NominalSpan);

void BM_UnsampledSpan(benchmark::State& state) {
  auto provider = make_provider(make_always_off_sampler());
  Tracer& tracer = provider->tracer("bench");
  argus::bench::run_counted(state, *provider, [&] {
    Span span =
        tracer.start_span("GET /admin/clients/{id}", {.root = true, .kind = SpanKind::kServer});
    record_nominal(span);
  });
}
BENCHMARK(BM_UnsampledSpan);

void BM_ChildSpan(benchmark::State& state) {
  auto provider = make_provider();
  Tracer& tracer = provider->tracer("bench");
  Span parent = tracer.start_span("parent", {.root = true});
  const SpanContext parent_context = parent.context();
  argus::bench::run_counted(state, *provider, [&] {
    Span child = tracer.start_span("child", {.parent = &parent_context});
  });
}
BENCHMARK(BM_ChildSpan);

// The three spans argus records for one get-client request (see service_spans.h), through a
// processor whose exporter takes records. Compare with the service's figure per request to tell
// the recording path from what the rest of a request's work does to it (caches, scheduling).
void BM_ServiceRequestSpans(benchmark::State& state) {
  auto provider = make_provider();
  Tracer& tracer = provider->tracer("bench");
  argus::bench::run_counted(state, *provider,
                            [&] { argus::bench::record_service_request(tracer); });
}
BENCHMARK(BM_ServiceRequestSpans);

// Two threads end spans into one batch processor as fast as they can; reports spans/s and
// checks the accounting: every ended span is either exported or counted as dropped.
void BM_EnqueueTwoThreads(benchmark::State& state) {
  constexpr int kSpansPerThread = 200000;
  double exact = 1.0, spans = 0, dropped = 0;
  for (auto _ : state) {
    auto provider = make_provider();
    Tracer& tracer = provider->tracer("bench");
    auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < kSpansPerThread; ++i)
          Span s = tracer.start_span("enqueue", {.root = true});
      });
    }
    for (auto& t : threads) t.join();
    auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.SetIterationTime(elapsed);
    provider->shutdown(std::chrono::seconds(10));
    const TracerStats stats = provider->stats();
    if (stats.spans_ended != 2u * kSpansPerThread ||
        stats.spans_ended != stats.processor.spans_exported + stats.processor.spans_dropped)
      exact = 0;
    spans += 2.0 * kSpansPerThread;
    dropped += static_cast<double>(stats.processor.spans_dropped);
  }
  state.counters["spans_per_s"] = benchmark::Counter(spans, benchmark::Counter::kIsRate);
  state.counters["dropped_fraction"] = dropped / spans;
  state.counters["accounting_exact"] = exact;
}
BENCHMARK(BM_EnqueueTwoThreads)->UseManualTime()->Iterations(5)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
