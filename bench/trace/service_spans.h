// Shared by the pipeline benchmarks: a steady-state timing loop that also counts allocations
// and drops, and the three spans argus records for one get-client request.
#pragma once

#include <argus/trace/trace.h>
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "trace/alloc_counter.h"

namespace argus::bench {

// Runs `body` a while so pools and the queue reach steady state, then times it and reports
// the allocations made during the timed part, per span.
// Also reports the fraction of spans the processor dropped (its queue full): a dropped span is
// cheaper than an exported one, so a figure with many drops would flatter the pipeline.
template <typename Body>
void run_counted(benchmark::State& state, argus::trace::TracerProvider& provider, Body&& body) {
  for (int i = 0; i < 20000; ++i) body();
  const std::uint64_t before = allocation_count();
  const std::uint64_t dropped_before = provider.stats().processor.spans_dropped;
  for (auto _ : state) body();
  const std::uint64_t allocs = allocation_count() - before;
  const std::uint64_t dropped = provider.stats().processor.spans_dropped - dropped_before;
  const auto iterations = static_cast<double>(state.iterations());
  state.counters["allocs_per_span"] = static_cast<double>(allocs) / iterations;
  state.counters["dropped_fraction"] = static_cast<double>(dropped) / iterations;
}

// What the service makes once and its spans refer to (AttributeSet): each connection's
// attributes, and each statement's with the database's.
struct ServiceAttributeSets {
  std::unique_ptr<argus::trace::AttributeSet> connection, acquire, select;
};

inline const ServiceAttributeSets& service_attribute_sets() {
  using namespace argus::trace;
  static const ServiceAttributeSets sets = [] {
    static const std::string kStatement =
        "SELECT client_id, client_name, client_secret_hash, grant_types, response_types, scope, "
        "audience, owner, redirect_uris, token_endpoint_auth_method, contacts, client_uri, "
        "logo_uri, policy_uri, tos_uri, metadata, created_at, updated_at, "
        "client_secret_expires_at FROM oauth2_clients WHERE client_id = ?";
    const KeyValue connection[] = {{"server.address", "127.0.0.1"},
                                   {"server.port", std::int64_t{4445}},
                                   {"client.address", "127.0.0.1"}};
    const KeyValue db[] = {{"db.system", "sqlite"},
                           {"db.name", "memory"},
                           {"db.statement", kStatement},
                           {"db.operation", "SELECT"},
                           {"db.sql.table", "oauth2_clients"}};
    ServiceAttributeSets s;
    s.connection = std::move(*AttributeSet::create(connection));
    s.acquire = std::move(*AttributeSet::create(std::span<const KeyValue>(db, 2)));
    s.select = std::move(*AttributeSet::create(db));
    return s;
  }();
  return sets;
}

// The server span (four attributes and the connection's set at the start, the status code at
// the end), the connection acquisition and the SELECT (with the service's 300-byte statement).
inline void record_service_request(argus::trace::Tracer& tracer) {
  using namespace argus::trace;
  const ServiceAttributeSets& sets = service_attribute_sets();
  const std::string_view path = "/admin/clients/bench-client";
  const KeyValue request_attrs[] = {{"http.method", "GET"},
                                    {"http.route", "/admin/clients/{id}"},
                                    {"url.path", path},
                                    {"user_agent.original", "Go-http-client/1.1"}};
  Span request = tracer.start_span(path, {.root = true,
                                          .kind = SpanKind::kServer,
                                          .attributes = request_attrs,
                                          .attribute_set = sets.connection.get()});
  const SpanContext parent = request.context();
  {
    Span acquire = tracer.start_span(
        "connection.acquire",
        {.parent = &parent, .kind = SpanKind::kClient, .attribute_set = sets.acquire.get()});
    acquire.set_attribute("db.connection.new", false);
  }
  {
    Span select = tracer.start_span(
        "SELECT oauth2_clients",
        {.parent = &parent, .kind = SpanKind::kClient, .attribute_set = sets.select.get()});
    select.set_attribute("db.response.returned_rows", std::int64_t{1});
  }
  request.set_attribute("http.status_code", std::int64_t{200});
}

}  // namespace argus::bench
