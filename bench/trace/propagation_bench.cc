// Propagation hot paths: extracting and injecting trace context on a realistic request header
// set. Each iteration starts from a fresh PropagationContext, as a server would per request.
#include <benchmark/benchmark.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "argus/trace/propagation.h"
#include "trace/alloc_counter.h"

namespace {

using argus::trace::PairRangeReader;
using argus::trace::PropagationContext;
using Headers = std::vector<std::pair<std::string_view, std::string_view>>;

Headers request_headers(std::string_view name, std::string_view value) {
  Headers h = {{"Host", "auth.example.com"},
               {"User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0"},
               {"Accept", "application/json"},
               {"Content-Type", "application/x-www-form-urlencoded"},
               {"Content-Length", "87"}};
  if (!name.empty()) h.emplace_back(name, value);
  return h;
}

// Reports heap allocations per iteration: extraction without tracestate/baggage and injection
// into a reused slot must not allocate.
class AllocsPerOp {
 public:
  explicit AllocsPerOp(benchmark::State& state)
      : state_(state), start_(argus::bench::allocation_count()) {}
  ~AllocsPerOp() {
    const double n = static_cast<double>(state_.iterations());
    state_.counters["allocs_per_op"] =
        n > 0 ? static_cast<double>(argus::bench::allocation_count() - start_) / n : 0.0;
  }

 private:
  benchmark::State& state_;
  std::uint64_t start_;
};

// Keeps the last value written in a reused buffer, like a pre-sized outgoing header slot.
class SlotWriter final : public argus::trace::CarrierWriter {
 public:
  void set(std::string_view name, std::string_view value) noexcept override {
    benchmark::DoNotOptimize(name.data());
    value_.assign(value);
  }
  std::string value_ = std::string(64, ' ');
};

void BM_ExtractTraceparent(benchmark::State& state) {
  const auto propagator = argus::trace::make_trace_context_propagator();
  const Headers h =
      request_headers("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  const PairRangeReader reader(h);
  AllocsPerOp allocs(state);
  for (auto _ : state) {
    PropagationContext ctx;
    benchmark::DoNotOptimize(propagator->extract(reader, ctx));
    benchmark::DoNotOptimize(ctx);
  }
}
BENCHMARK(BM_ExtractTraceparent);

void BM_InjectTraceparent(benchmark::State& state) {
  const auto propagator = argus::trace::make_trace_context_propagator();
  const Headers h =
      request_headers("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  PropagationContext ctx;
  propagator->extract(PairRangeReader(h), ctx);
  const argus::trace::Baggage baggage;
  SlotWriter writer;
  AllocsPerOp allocs(state);
  for (auto _ : state) {
    propagator->inject(ctx.span_context, baggage, writer);
    benchmark::DoNotOptimize(writer.value_.data());
  }
}
BENCHMARK(BM_InjectTraceparent);

void BM_ExtractCompositeMiss(benchmark::State& state) {
  const auto propagator = argus::trace::make_default_propagator();
  const Headers h = request_headers({}, {});
  const PairRangeReader reader(h);
  AllocsPerOp allocs(state);
  for (auto _ : state) {
    PropagationContext ctx;
    benchmark::DoNotOptimize(propagator->extract(reader, ctx));
    benchmark::DoNotOptimize(ctx);
  }
}
BENCHMARK(BM_ExtractCompositeMiss);

void BM_ExtractB3Single(benchmark::State& state) {
  const auto propagator = argus::trace::make_b3_propagator(true);
  const Headers h = request_headers("b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1");
  const PairRangeReader reader(h);
  AllocsPerOp allocs(state);
  for (auto _ : state) {
    PropagationContext ctx;
    benchmark::DoNotOptimize(propagator->extract(reader, ctx));
    benchmark::DoNotOptimize(ctx);
  }
}
BENCHMARK(BM_ExtractB3Single);

}  // namespace
