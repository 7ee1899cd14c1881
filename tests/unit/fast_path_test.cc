// The tracer's fast paths must agree with the slow ones: sampler shortcuts with should_sample,
// and span times read inline from the TSC with CLOCK_MONOTONIC and CLOCK_REALTIME.
#include <gtest/gtest.h>
#include <time.h>

#include <cstdlib>
#include <functional>
#include <vector>

#include "test_support.h"

namespace argus::trace {
namespace {

using testing::make_context;
using testing::make_recording_provider;

std::int64_t now_ns(clockid_t id) {
  timespec ts;
  clock_gettime(id, &ts);
  return ts.tv_sec * 1'000'000'000LL + ts.tv_nsec;
}

// Every parent a span can have, including none and an invalid one.
std::vector<SpanContext> parents() {
  const TraceId t = TraceId::from_halves(7, 9);
  std::vector<SpanContext> all = {
      SpanContext{},  // invalid: treated as no parent
      make_context(t, SpanId(1), TraceFlags::kSampled),
      make_context(t, SpanId(2), 0),
      make_context(t, SpanId(3), TraceFlags::kSampled, true),
      make_context(t, SpanId(4), 0, true),
  };
  SpanContext debug = make_context(t, SpanId(5), 0, true);
  debug.debug = true;
  all.push_back(debug);
  SpanContext local_debug = make_context(t, SpanId(6), 0, false);
  local_debug.debug = true;
  all.push_back(local_debug);
  return all;
}

TEST(FastPath, SamplerShortcutsAgreeWithShouldSample) {
  const std::vector<std::function<std::unique_ptr<Sampler>()>> makers = {
      [] { return make_always_on_sampler(); },
      [] { return make_always_off_sampler(); },
      [] { return make_parent_based_sampler(make_always_on_sampler()); },
      [] { return make_parent_based_sampler(make_always_off_sampler()); },
      [] { return make_parent_based_sampler(make_trace_id_ratio_sampler(0.5)); },
  };
  int shortcut_samplers = 0;
  for (const auto& make : makers) {
    auto reference = make();
    const SamplerShortcuts shortcuts = reference->shortcuts();
    if (shortcuts.root != SamplerShortcut::kAsk) ++shortcut_samplers;
    auto r = make_recording_provider(make());
    for (const SpanContext& parent : parents()) {
      Span span = r.tracer().start_span("s", {.parent = &parent, .root = true});
      const SpanContext* effective = parent.is_valid() ? &parent : nullptr;
      const TraceId& trace_id = span.context().trace_id;
      const SamplingResult expected =
          reference->should_sample({effective, trace_id, "s", SpanKind::kInternal, {}});
      EXPECT_EQ(span.is_recording(), expected.decision != SamplingDecision::kDrop)
          << reference->description() << " parent span id " << parent.span_id.value();
      EXPECT_EQ(span.context().is_sampled(),
                expected.decision == SamplingDecision::kRecordAndSample)
          << reference->description() << " parent span id " << parent.span_id.value();
      if (effective) {
        EXPECT_EQ(span.context().trace_id, parent.trace_id);
      }
    }
  }
  EXPECT_EQ(shortcut_samplers, 4) << "the built-in constant samplers take the shortcut";
}

TEST(FastPath, UnsampledChildKeepsTheParentsTraceState) {
  auto r = make_recording_provider(make_parent_based_sampler(make_always_on_sampler()));
  SpanContext parent = make_context(TraceId::from_halves(1, 2), SpanId(3), 0, true, "vendor=x");
  Span span = r.tracer().start_span("child", {.parent = &parent});
  EXPECT_FALSE(span.is_recording());
  EXPECT_EQ(span.context().trace_state, "vendor=x");
  EXPECT_FALSE(span.context().remote);
}

TEST(FastPath, SpanTimesFollowTheSystemClocks) {
  auto r = make_recording_provider();  // default clock: the system clock
  const std::int64_t wall_before = now_ns(CLOCK_REALTIME);
  const std::int64_t mono_before = now_ns(CLOCK_MONOTONIC);
  {
    Span span = r.tracer().start_span("timed");
    // Spin (this measures time, it does not wait for another thread) until 5 ms have passed.
    while (now_ns(CLOCK_MONOTONIC) - mono_before < 5'000'000) {
    }
  }
  const std::int64_t mono_elapsed = now_ns(CLOCK_MONOTONIC) - mono_before;
  const std::int64_t wall_after = now_ns(CLOCK_REALTIME);
  auto spans = r.spans->find("timed");
  ASSERT_EQ(spans.size(), 1u);
  const auto& s = spans.front();
  EXPECT_GE(s.start_unix_ns, wall_before - 2'000'000);
  EXPECT_LE(s.end_unix_ns, wall_after + 2'000'000);
  EXPECT_GE(s.duration_ns(), 5'000'000 - 100'000) << "at least the 5 ms spun, within 2%";
  EXPECT_LE(s.duration_ns(), mono_elapsed + 100'000);
}

}  // namespace
}  // namespace argus::trace
