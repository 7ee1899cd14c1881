#include <argus/trace/tracer.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "unit/test_support.h"

namespace argus::trace {
namespace {

using testing::make_recording_provider;

TEST(Tracer, RootSpanHasFreshIdsAndRandomFlag) {
  auto r = make_recording_provider();
  Span span = r.tracer().start_span("root");
  const SpanContext ctx = span.context();
  EXPECT_TRUE(ctx.is_valid());
  EXPECT_TRUE(ctx.is_sampled());
  EXPECT_TRUE(ctx.flags & TraceFlags::kRandom);
  EXPECT_FALSE(ctx.remote);
  span.end();
  auto spans = r.spans->spans();
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].name, "root");
  EXPECT_FALSE(spans[0].parent_span_id.is_valid());
  EXPECT_TRUE(spans[0].is_local_root());
  EXPECT_EQ(spans[0].resource->service_name(), "unit-test");
  EXPECT_EQ(spans[0].scope->name, "test");
}

TEST(Tracer, ChildInheritsTraceIdThroughExplicitContext) {
  auto r = make_recording_provider();
  Span parent = r.tracer().start_span("parent");
  const SpanContext pctx = parent.context();
  {
    Span child = r.tracer().start_span("child", {.parent = &pctx});
    EXPECT_EQ(child.context().trace_id, pctx.trace_id);
    EXPECT_NE(child.context().span_id, pctx.span_id);
  }
  parent.end();
  auto children = r.spans->find("child");
  ASSERT_EQ(children.size(), 1u);
  EXPECT_EQ(children[0].parent_span_id, pctx.span_id);
  EXPECT_FALSE(children[0].parent_is_remote);
  EXPECT_FALSE(children[0].is_local_root());
}

TEST(Tracer, ScopeMakesTheCurrentSpanTheImplicitParent) {
  auto r = make_recording_provider();
  EXPECT_EQ(current_span_context(), nullptr);
  Span outer = r.tracer().start_span("outer");
  {
    Scope scope(outer);
    ASSERT_NE(current_span_context(), nullptr);
    Span inner = r.tracer().start_span("inner");
    EXPECT_EQ(inner.context().trace_id, outer.context().trace_id);
    {
      Scope inner_scope(inner);
      Span leaf = r.tracer().start_span("leaf");
      leaf.end();
      Span fresh = r.tracer().start_span("fresh", {.root = true});
      EXPECT_NE(fresh.context().trace_id, outer.context().trace_id);
    }
    EXPECT_EQ(current_span_context()->span_id, outer.context().span_id);
  }
  EXPECT_EQ(current_span_context(), nullptr);
  outer.end();
  auto leaf = r.spans->find("leaf");
  auto inner = r.spans->find("inner");
  ASSERT_EQ(leaf.size(), 1u);
  ASSERT_EQ(inner.size(), 1u);
  EXPECT_EQ(leaf[0].parent_span_id, inner[0].context.span_id);
}

TEST(Tracer, RemoteParentKeepsTraceStateAndMarksRemote) {
  auto r = make_recording_provider();
  SpanContext remote = testing::make_context(TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736"),
                                             SpanId::from_hex("00f067aa0ba902b7"),
                                             TraceFlags::kSampled, true, "congo=t61rcWkgMzE");
  Span span = r.tracer().start_span("server", {.parent = &remote, .kind = SpanKind::kServer});
  EXPECT_EQ(span.context().trace_state, "congo=t61rcWkgMzE");
  EXPECT_FALSE(span.context().flags & TraceFlags::kRandom);  // the upstream id may not be random
  span.end();
  auto s = r.spans->spans().at(0);
  EXPECT_TRUE(s.parent_is_remote);
  EXPECT_TRUE(s.is_local_root());
  EXPECT_EQ(s.context.trace_id.to_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(s.kind, SpanKind::kServer);
}

TEST(Tracer, UnsampledSpanCarriesContextButRecordsNothing) {
  auto r = make_recording_provider(make_always_off_sampler());
  Span span = r.tracer().start_span("dropped");
  EXPECT_FALSE(span.is_recording());
  EXPECT_TRUE(span.context().is_valid());
  EXPECT_FALSE(span.context().is_sampled());
  span.set_attribute("k", "v");
  span.add_event("e");
  span.set_status(StatusCode::kError, "x");
  span.end();
  EXPECT_EQ(r.spans->size(), 0u);
  const TracerStats stats = r.provider->stats();
  EXPECT_EQ(stats.spans_started, 0u);
  EXPECT_EQ(stats.spans_not_sampled, 1u);
}

TEST(Tracer, DeniedSamplingMakesAnUnsampledRootButDoesNotOverrideAParent) {
  auto r = make_recording_provider();
  Span denied = r.tracer().start_span("denied", {.sampling_denied = true});
  EXPECT_FALSE(denied.is_recording());
  EXPECT_TRUE(denied.context().is_valid());
  SpanContext parent =
      testing::make_context(TraceId::from_halves(1, 2), SpanId(3), TraceFlags::kSampled, true);
  Span child = r.tracer().start_span("child", {.parent = &parent, .sampling_denied = true});
  EXPECT_TRUE(child.is_recording());
}

TEST(Tracer, EndingTwiceOrByDestructionExportsOnce) {
  auto r = make_recording_provider();
  {
    Span a = r.tracer().start_span("a");
    a.end();
    a.end();
    Span b = r.tracer().start_span("b");
    Span moved = std::move(b);
    Span c = r.tracer().start_span("c");
    c = std::move(moved);  // c's own span ends here
  }
  EXPECT_EQ(r.spans->find("a").size(), 1u);
  EXPECT_EQ(r.spans->find("b").size(), 1u);
  EXPECT_EQ(r.spans->find("c").size(), 1u);
  EXPECT_EQ(r.spans->size(), 3u);
  const TracerStats stats = r.provider->stats();
  EXPECT_EQ(stats.spans_started, 3u);
  EXPECT_EQ(stats.spans_ended, 3u);
}

TEST(Tracer, DurationComesFromTheMonotonicClock) {
  ManualClock clock(1'000'000'000'000'000'000);
  auto r = make_recording_provider(nullptr, {}, &clock);
  Span span = r.tracer().start_span("timed");
  clock.advance_ns(1'500'000);
  span.add_event("halfway");
  clock.advance_ns(1'500'000);
  span.end();
  auto s = r.spans->spans().at(0);
  EXPECT_EQ(s.start_unix_ns, 1'000'000'000'000'000'000);
  EXPECT_EQ(s.duration_ns(), 3'000'000);
  ASSERT_EQ(s.events().size(), 1u);
  EXPECT_EQ(s.events()[0].time_unix_ns, 1'000'000'000'001'500'000);
}

TEST(Tracer, StatusFollowsOpenTelemetryRules) {
  auto r = make_recording_provider();
  {
    Span s = r.tracer().start_span("error");
    s.set_status(StatusCode::kError, "boom");
    s.set_status(StatusCode::kUnset);  // ignored
  }
  {
    Span s = r.tracer().start_span("ok");
    s.set_status(StatusCode::kOk, "ignored message");
    s.set_status(StatusCode::kError, "too late");  // Ok is final
  }
  auto error = r.spans->find("error").at(0);
  EXPECT_EQ(error.status.code, StatusCode::kError);
  EXPECT_EQ(error.status.message, "boom");
  auto ok = r.spans->find("ok").at(0);
  EXPECT_EQ(ok.status.code, StatusCode::kOk);
  EXPECT_EQ(ok.status.message, "");
}

TEST(Tracer, TypedAttributesEventsAndLinks) {
  auto r = make_recording_provider();
  SpanContext linked =
      testing::make_context(TraceId::from_halves(7, 8), SpanId(9), TraceFlags::kSampled);
  {
    Span s = r.tracer().start_span("typed");
    const bool flags[] = {true, false};
    const std::int64_t ints[] = {1, 2, 3};
    const double doubles[] = {0.5};
    const std::string_view strings[] = {"a", "b"};
    s.set_attribute("s", "text");
    s.set_attribute("b", true);
    s.set_attribute("i", 42);
    s.set_attribute("d", 2.5);
    s.set_attribute("ba", std::span<const bool>(flags));
    s.set_attribute("ia", std::span<const std::int64_t>(ints));
    s.set_attribute("da", std::span<const double>(doubles));
    s.set_attribute("sa", std::span<const std::string_view>(strings));
    s.set_attribute("i", 43);  // replaces
    s.record_exception("std::runtime_error", "disk full");
    s.add_link(linked, {{"link.kind", "follows"}});
  }
  auto s = r.spans->spans().at(0);
  EXPECT_EQ(s.attributes.size(), 8u);
  EXPECT_EQ(s.attributes.find("s")->as_string(), "text");
  EXPECT_TRUE(s.attributes.find("b")->as_bool());
  EXPECT_EQ(s.attributes.find("i")->as_int(), 43);
  EXPECT_DOUBLE_EQ(s.attributes.find("d")->as_double(), 2.5);
  EXPECT_EQ(s.attributes.find("ba")->bool_array().size(), 2u);
  EXPECT_EQ(s.attributes.find("ia")->int_array()[2], 3);
  EXPECT_EQ(s.attributes.find("sa")->string_array()[1], "b");
  ASSERT_EQ(s.events().size(), 1u);
  EXPECT_EQ(s.events()[0].name, "exception");
  EXPECT_EQ(s.events()[0].attributes.find("exception.message")->as_string(), "disk full");
  ASSERT_EQ(s.links().size(), 1u);
  EXPECT_EQ(s.links()[0].context.span_id, SpanId(9));
  EXPECT_EQ(s.links()[0].attributes.find("link.kind")->as_string(), "follows");
}

TEST(Tracer, NoopProviderRecordsNothingButPropagatesTheParent) {
  auto provider = TracerProvider::create_noop();
  SpanContext remote =
      testing::make_context(TraceId::from_halves(1, 2), SpanId(3), TraceFlags::kSampled, true);
  Span span = provider->tracer().start_span("x", {.parent = &remote});
  EXPECT_FALSE(span.is_recording());
  EXPECT_EQ(span.context().trace_id, remote.trace_id);
  Span orphan = provider->tracer().start_span("y");
  EXPECT_FALSE(orphan.context().is_valid());
}

TEST(Tracer, TracersAreStablePerScope) {
  auto r = make_recording_provider();
  Tracer& a = r.provider->tracer("lib", "1.0");
  Tracer& b = r.provider->tracer("lib", "1.0");
  Tracer& c = r.provider->tracer("other");
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &c);
  EXPECT_EQ(a.scope().version, "1.0");
}

TEST(Clock, SystemClockFollowsClockMonotonic) {
  Clock& clock = system_clock();
  for (int i = 0; i < 100; ++i) {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    const std::int64_t reference = ts.tv_sec * 1'000'000'000LL + ts.tv_nsec;
    const std::int64_t ours = clock.monotonic_ns();
    EXPECT_LT(std::llabs(ours - reference), 2'000'000) << "within 2 ms of CLOCK_MONOTONIC";
  }
  timespec wall;
  clock_gettime(CLOCK_REALTIME, &wall);
  const std::int64_t wall_ns = wall.tv_sec * 1'000'000'000LL + wall.tv_nsec;
  EXPECT_LT(std::llabs(clock.now().unix_ns - wall_ns), 50'000'000);
  std::int64_t previous = clock.monotonic_ns();
  for (int i = 0; i < 10000; ++i) {
    const std::int64_t t = clock.monotonic_ns();
    ASSERT_GE(t, previous);
    previous = t;
  }
}

}  // namespace
}  // namespace argus::trace
