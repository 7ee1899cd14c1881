// Throughput of the storage layer on the embedded back ends (memory, SQLite file), with tracing
// off and on (100% sampling, batch processor, an exporter that discards), so the API's load
// tests can be read against the store's own ceiling. Built as build/bin/store_bench.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>

#include "argus/trace/processor.h"
#include "argus/trace/sampler.h"
#include "argus/trace/tracer.h"
#include "store/store.h"

namespace argus::store {
namespace {

class DiscardExporter final : public trace::SpanExporter {
 public:
  trace::ExportResult export_spans(std::span<const trace::SpanData* const>) noexcept override {
    return trace::ExportResult::kSuccess;
  }
};

struct Fixture {
  std::unique_ptr<trace::TracerProvider> provider;
  std::unique_ptr<Store> store;
  std::string path;

  Fixture(bool sqlite_file, bool traced) {
    StoreOptions options;
    options.migrate_on_open = true;
    if (traced) {
      trace::TracerProviderOptions po;
      po.sampler = trace::make_always_on_sampler();
      auto processor = trace::BatchSpanProcessor::create(std::make_unique<DiscardExporter>());
      if (processor) po.processor = std::move(*processor);
      auto created = trace::TracerProvider::create(std::move(po));
      if (created) provider = std::move(*created);
      if (provider) options.tracer = &provider->tracer("argus.store.bench");
    }
    std::string dsn = "memory";
    if (sqlite_file) {
      path = "/tmp/argus-store-bench-" + std::to_string(::getpid()) + ".db";
      dsn = "sqlite://" + path;
    }
    auto opened = open_store(dsn, options);
    if (opened) store = std::move(*opened);
    for (int i = 0; store && i < 10; ++i) {
      Client c;
      c.client_id = "client-" + std::to_string(i);
      c.grant_types = {"client_credentials"};
      c.scope = "read write";
      (void)store->create_client(c);
      AccessToken t;
      t.signature = "sig-" + std::to_string(i);
      t.client_id = c.client_id;
      t.expires_at = 4000000000;
      (void)store->insert_token(t);
    }
  }
  ~Fixture() {
    store.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) {
      if (!path.empty()) std::remove((path + suffix).c_str());
    }
  }
};

// range(0): 0 memory, 1 SQLite file; range(1): 0 tracing off, 1 on.
void set_label(benchmark::State& state) {
  state.SetLabel(std::string(state.range(0) ? "sqlite" : "memory") +
                 (state.range(1) ? "/traced" : "/untraced"));
}

void BM_StoreGetClient(benchmark::State& state) {
  Fixture f(state.range(0) != 0, state.range(1) != 0);
  if (!f.store) return state.SkipWithError("open_store failed");
  for (auto _ : state) {
    auto r = f.store->get_client("client-3");
    if (!r) return state.SkipWithError(r.error().message.c_str());
    benchmark::DoNotOptimize(r);
  }
  state.counters["ops/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  set_label(state);
}

void BM_StoreListClients(benchmark::State& state) {
  Fixture f(state.range(0) != 0, state.range(1) != 0);
  if (!f.store) return state.SkipWithError("open_store failed");
  for (auto _ : state) {
    auto r = f.store->list_clients({}, {});
    if (!r || r->clients.size() != 10) return state.SkipWithError("list failed");
    benchmark::DoNotOptimize(r);
  }
  state.counters["ops/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  set_label(state);
}

void BM_StoreGetToken(benchmark::State& state) {
  Fixture f(state.range(0) != 0, state.range(1) != 0);
  if (!f.store) return state.SkipWithError("open_store failed");
  for (auto _ : state) {
    auto r = f.store->get_token("sig-5");
    if (!r) return state.SkipWithError(r.error().message.c_str());
    benchmark::DoNotOptimize(r);
  }
  state.counters["ops/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  set_label(state);
}

void BM_StoreInsertToken(benchmark::State& state) {
  Fixture f(state.range(0) != 0, state.range(1) != 0);
  if (!f.store) return state.SkipWithError("open_store failed");
  AccessToken t;
  t.client_id = "client-1";
  t.scope = "read";
  t.expires_at = 4000000000;
  std::int64_t n = 0;
  for (auto _ : state) {
    t.signature = "bench-" + std::to_string(n++);
    auto r = f.store->insert_token(t);
    if (!r) return state.SkipWithError(r.error().message.c_str());
  }
  state.counters["ops/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  set_label(state);
}

#define ARGUS_STORE_BENCH(fn) \
  BENCHMARK(fn)->ArgsProduct({{0, 1}, {0, 1}})->ArgNames({"sqlite", "traced"})->UseRealTime()

ARGUS_STORE_BENCH(BM_StoreGetClient);
ARGUS_STORE_BENCH(BM_StoreListClients);
ARGUS_STORE_BENCH(BM_StoreGetToken);
ARGUS_STORE_BENCH(BM_StoreInsertToken);

}  // namespace
}  // namespace argus::store

BENCHMARK_MAIN();
