// The composite propagator (order, baggage from every format, inject of every format), the
// ready-made carriers, and the end-to-end effect on the tracer: a valid remote parent is
// joined and its sampled/debug decision reaches the sampler; an invalid one starts a new root.
#include <gtest/gtest.h>

#include <map>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "argus/trace/propagation.h"
#include "argus/trace/trace.h"
#include "propagation/test_util.h"

namespace argus::trace {
namespace {

using testing::extract;
using testing::Headers;

constexpr const char* kW3c = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
constexpr const char* kB3 = "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-d";
constexpr const char* kJaeger = "3ac1c9d8b5b7b8c1:3ac1c9d8b5b7b8c2:0:1";

TEST(PropagationComposite, DefaultOrderTracecontextFirst) {
  auto p = make_default_propagator();
  auto ctx = extract(*p, Headers{{"uber-trace-id", kJaeger}, {"b3", kB3}, {"traceparent", kW3c}});
  EXPECT_EQ(ctx.span_context.trace_id.to_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_FALSE(ctx.span_context.debug);
}

TEST(PropagationComposite, FallsThroughInvalidFormats) {
  auto p = make_default_propagator();
  auto ctx = extract(*p, Headers{{"traceparent", "00-garbage"}, {"b3", kB3}});
  EXPECT_EQ(ctx.span_context.trace_id.to_hex(), "80f198ee56343ba864fe8b2a57d3eff7");
  EXPECT_TRUE(ctx.span_context.debug);
  ctx = extract(*p, Headers{{"b3", "nope"}, {"uber-trace-id", kJaeger}});
  EXPECT_EQ(ctx.span_context.span_id.to_hex(), "3ac1c9d8b5b7b8c2");
  bool found = true;
  ctx = extract(*p, Headers{{"Host", "x"}}, &found);
  EXPECT_FALSE(found);
  EXPECT_FALSE(ctx.span_context.is_valid());
}

TEST(PropagationComposite, ConfiguredOrderWins) {
  const std::string names[] = {"jaeger", "b3", "tracecontext"};
  auto p = make_propagator(names);
  ASSERT_TRUE(p);
  auto ctx = extract(**p, Headers{{"traceparent", kW3c}, {"uber-trace-id", kJaeger}});
  EXPECT_EQ(ctx.span_context.span_id.to_hex(), "3ac1c9d8b5b7b8c2");
}

TEST(PropagationComposite, BaggageFromAllFormatsEvenAfterContextFound) {
  auto p = make_default_propagator();
  auto ctx = extract(*p, Headers{{"traceparent", kW3c},
                                 {"baggage", "a=1"},
                                 {"uberctx-b", "2"},
                                 {"uber-trace-id", kJaeger}});
  EXPECT_EQ(ctx.baggage.find("a")->value, "1");
  EXPECT_EQ(ctx.baggage.find("b")->value, "2");
}

TEST(PropagationComposite, InjectsEveryFormat) {
  auto p = make_default_propagator();
  auto c = testing::context("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", 1);
  Baggage b;
  b.entries.push_back({"k", "v", ""});
  auto h = testing::inject(*p, c, b);
  EXPECT_NE(testing::header(h, "traceparent"), nullptr);
  EXPECT_EQ(*testing::header(h, "baggage"), "k=v");
  EXPECT_NE(testing::header(h, "b3"), nullptr);
  EXPECT_EQ(testing::header(h, "x-b3-traceid"), nullptr);
  EXPECT_NE(testing::header(h, "uber-trace-id"), nullptr);
  EXPECT_EQ(*testing::header(h, "uberctx-k"), "v");
  const std::string multi[] = {"b3multi"};
  h = testing::inject(**make_propagator(multi), c, b);
  EXPECT_NE(testing::header(h, "x-b3-traceid"), nullptr);
  EXPECT_EQ(testing::header(h, "b3"), nullptr);
}

TEST(PropagationComposite, ConfigurationErrors) {
  const std::string unknown[] = {"tracecontext", "xray"};
  auto p = make_propagator(unknown);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, Error::Code::invalid_config);
  EXPECT_NE(p.error().message.find("xray"), std::string::npos);
  EXPECT_NE(p.error().message.find("tracecontext, baggage, b3, b3multi, jaeger"),
            std::string::npos);
  const std::string twice[] = {"b3", "b3"};
  EXPECT_FALSE(make_propagator(twice));
  EXPECT_TRUE(make_propagator(std::span<const std::string>{}));
}

TEST(PropagationCarriers, MapReaderAnyCaseAndWriters) {
  std::map<std::string, std::string> m{{"TraceParent", kW3c}};
  auto p = make_trace_context_propagator();
  PropagationContext ctx;
  ASSERT_TRUE(p->extract(PairRangeReader(m), ctx));
  MapWriter writer(m);
  writer.set("traceparent", "x");
  EXPECT_EQ(m.size(), 1u);
  EXPECT_EQ(m["TraceParent"], "x");
  std::unordered_map<std::string, std::string> um;
  MapWriter uw(um);
  uw.set("b3", "1");
  EXPECT_EQ(um["b3"], "1");
  Headers v{{"B3", "a"}, {"b3", "b"}, {"other", "c"}};
  PairVectorWriter vw(v);
  vw.set("b3", "z");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].second, "z");
  std::string_view values[4];
  const Headers dup{{"A", "1"}, {"a", "2"}, {"b", "3"}};
  EXPECT_EQ(PairRangeReader(dup).get_all("a", values, 1), 2u);
  EXPECT_EQ(values[0], "1");
}

// A carrier that only answers lookups by name (no enumeration): everything but Jaeger's
// uberctx- baggage still works.
class LookupOnlyCarrier final : public CarrierReader {
 public:
  explicit LookupOnlyCarrier(const Headers& h) : inner_(h) {}
  std::size_t get_all(std::string_view name, std::string_view* out,
                      std::size_t max) const noexcept override {
    return inner_.get_all(name, out, max);
  }

 private:
  PairRangeReader<Headers> inner_;
};

TEST(PropagationCarriers, LookupOnlyCarrierSkipsPrefixedBaggage) {
  const Headers h{{"uber-trace-id", kJaeger}, {"uberctx-a", "1"}, {"baggage", "b=2"}};
  PropagationContext ctx;
  EXPECT_TRUE(make_default_propagator()->extract(LookupOnlyCarrier(h), ctx));
  EXPECT_EQ(ctx.baggage.find("a"), nullptr);
  ASSERT_NE(ctx.baggage.find("b"), nullptr);
  EXPECT_EQ(ctx.span_context.span_id.to_hex(), "3ac1c9d8b5b7b8c2");
}

// Forwards to a PairRangeReader and counts the lookups. `answers` chooses whether it says which
// headers it holds (contains_any) or keeps the CarrierReader default ("cannot tell").
class CountingCarrier final : public CarrierReader {
 public:
  CountingCarrier(const Headers& h, bool answers) : inner_(h), answers_(answers) {}
  std::size_t get_all(std::string_view name, std::string_view* out,
                      std::size_t max) const noexcept override {
    ++lookups;
    return inner_.get_all(name, out, max);
  }
  void for_each_prefixed(std::string_view prefix, HeaderVisitor& visitor) const noexcept override {
    ++lookups;
    inner_.for_each_prefixed(prefix, visitor);
  }
  bool contains_any(std::span<const std::string_view> names,
                    std::span<const std::string_view> prefixes) const noexcept override {
    return answers_ ? inner_.contains_any(names, prefixes)
                    : CarrierReader::contains_any(names, prefixes);
  }
  mutable int lookups = 0;

 private:
  PairRangeReader<Headers> inner_;
  bool answers_;
};

TEST(PropagationComposite, RequestWithoutTraceHeadersIsNotSearched) {
  auto p = make_default_propagator();
  const Headers plain{{"Host", "argus"}, {"User-Agent", "curl"}, {"Accept", "*/*"}};
  CountingCarrier carrier(plain, true);
  PropagationContext ctx;
  EXPECT_FALSE(p->extract(carrier, ctx));
  EXPECT_EQ(carrier.lookups, 0);
  EXPECT_FALSE(ctx.span_context.is_valid());

  const Headers with_context{{"Host", "argus"}, {"TraceParent", kW3c}};
  CountingCarrier traced(with_context, true);
  EXPECT_TRUE(p->extract(traced, ctx));
  EXPECT_GT(traced.lookups, 0);
}

// The shortcut relies on the composite knowing every header a format may read: each header on
// its own must give what a carrier without the shortcut gives.
TEST(PropagationComposite, ShortcutAgreesWithFullExtractionForEveryHeader) {
  const std::vector<Headers> cases = {
      {{"traceparent", kW3c}},
      {{"tracestate", "a=1"}},
      {{"baggage", "k=v"}},
      {{"b3", kB3}},
      {{"b3", "0"}},
      {{"X-B3-TraceId", "80f198ee56343ba864fe8b2a57d3eff7"}, {"X-B3-SpanId", "e457b5a2e4d86bd1"}},
      {{"x-b3-sampled", "0"}},
      {{"x-b3-flags", "1"}},
      {{"uber-trace-id", kJaeger}},
      {{"uberctx-tenant", "acme"}},
      {{"x-request-id", "1"}},
  };
  for (const auto& names : {std::vector<std::string>{"tracecontext", "baggage", "b3", "jaeger"},
                            std::vector<std::string>{"b3multi"}, std::vector<std::string>{}}) {
    auto p = make_propagator(names).value();
    for (const Headers& h : cases) {
      PropagationContext fast, full;
      const bool fast_found = p->extract(CountingCarrier(h, true), fast);
      const bool full_found = p->extract(CountingCarrier(h, false), full);
      SCOPED_TRACE(h.front().first + " with " + std::to_string(names.size()) + " formats");
      EXPECT_EQ(fast_found, full_found);
      EXPECT_EQ(fast.span_context.trace_id.to_hex(), full.span_context.trace_id.to_hex());
      EXPECT_EQ(fast.span_context.span_id.to_hex(), full.span_context.span_id.to_hex());
      EXPECT_EQ(fast.span_context.flags, full.span_context.flags);
      EXPECT_EQ(fast.span_context.debug, full.span_context.debug);
      EXPECT_EQ(fast.sampling_denied, full.sampling_denied);
      EXPECT_EQ(fast.baggage.entries.size(), full.baggage.entries.size());
    }
  }
}

// A tracer whose root sampler is `root_sampled`, behind parent-based sampling.
struct TracerFixture {
  explicit TracerFixture(bool root_sampled) {
    auto exporter = std::make_unique<InMemoryExporter>();
    storage = exporter->storage();
    TracerProviderOptions options;
    options.sampler = make_parent_based_sampler(root_sampled ? make_always_on_sampler()
                                                             : make_always_off_sampler());
    options.processor = std::make_unique<SimpleSpanProcessor>(std::move(exporter));
    provider = std::move(TracerProvider::create(std::move(options)).value());
  }
  Span child_of(const PropagationContext& ctx) {
    StartSpanOptions o;
    o.parent = &ctx.span_context;
    o.kind = SpanKind::kServer;
    return provider->tracer().start_span("server", o);
  }
  std::shared_ptr<InMemoryExporter::Storage> storage;
  std::unique_ptr<TracerProvider> provider;
};

TEST(PropagationTracing, RemoteSampledParentIsJoinedAndFollowed) {
  TracerFixture t(/*root_sampled=*/false);
  auto ctx = extract(*make_default_propagator(), Headers{{"traceparent", kW3c}});
  Span span = t.child_of(ctx);
  EXPECT_TRUE(span.context().is_sampled());
  EXPECT_EQ(span.context().trace_id.to_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
  span.end();
  ASSERT_EQ(t.storage->size(), 1u);
  const auto spans = t.storage->spans();
  EXPECT_EQ(spans[0].parent_span_id.to_hex(), "00f067aa0ba902b7");
  EXPECT_TRUE(spans[0].parent_is_remote);
}

TEST(PropagationTracing, RemoteUnsampledParentIsFollowed) {
  TracerFixture t(/*root_sampled=*/true);
  auto ctx = extract(*make_default_propagator(),
                     Headers{{"b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-0"}});
  Span span = t.child_of(ctx);
  EXPECT_FALSE(span.context().is_sampled());
  EXPECT_EQ(span.context().trace_id.to_hex(), "80f198ee56343ba864fe8b2a57d3eff7");
}

TEST(PropagationTracing, RemoteDebugReachesTheSampler) {
  TracerFixture t(/*root_sampled=*/false);
  auto ctx = extract(*make_default_propagator(), Headers{{"b3", kB3}});
  ASSERT_TRUE(ctx.span_context.debug);
  Span span = t.child_of(ctx);
  EXPECT_TRUE(span.context().is_sampled());
  EXPECT_TRUE(span.context().debug);
}

TEST(PropagationTracing, InvalidContextStartsNewRoot) {
  for (bool root_sampled : {false, true}) {
    TracerFixture t(root_sampled);
    auto ctx = extract(
        *make_default_propagator(),
        Headers{{"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"}});
    Span span = t.child_of(ctx);
    EXPECT_TRUE(span.context().is_valid());
    EXPECT_NE(span.context().trace_id.to_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
    EXPECT_EQ(span.context().is_sampled(), root_sampled);  // the root sampler decided afresh
  }
}

}  // namespace
}  // namespace argus::trace
