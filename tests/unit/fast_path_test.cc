// The tracer's fast paths must agree with the slow ones: sampler shortcuts with should_sample,
// span times read inline from the TSC with CLOCK_MONOTONIC and CLOCK_REALTIME, and the inline
// comparison of names and keys with string equality.
#include <gtest/gtest.h>
#include <time.h>

#include <cstdlib>
#include <functional>
#include <string>
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
      [] { return make_trace_id_ratio_sampler(1.0); },
      [] { return make_parent_based_sampler(make_trace_id_ratio_sampler(0.0)); },
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
  EXPECT_EQ(shortcut_samplers, 6)
      << "the built-in constant samplers, and ratios of 0 and 1, take the shortcut";
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

TEST(FastPath, SameTextAgreesWithStringEquality) {
  // Every length around the inline paths' boundaries, every differing position, and inputs that
  // do not start on a word boundary.
  std::string base(48, 'a');
  for (std::size_t i = 0; i < base.size(); ++i) base[i] = static_cast<char>('a' + i % 26);
  for (std::size_t offset = 0; offset < 3; ++offset) {
    for (std::size_t n = 0; n + offset <= 40; ++n) {
      const std::string a = base.substr(offset, n);
      std::string b = a;
      EXPECT_TRUE(same_text(a, b)) << n;
      EXPECT_EQ(same_text(a, b + "x"), false) << n;
      for (std::size_t pos = 0; pos < n; ++pos) {
        std::string c = a;
        c[pos] = static_cast<char>(c[pos] ^ 0x40);
        EXPECT_EQ(same_text(a, c), a == c) << n << " " << pos;
        EXPECT_FALSE(same_text(c, a)) << n << " " << pos;
      }
    }
  }
}

TEST(FastPath, RecycledRecordsTakeNewNamesAndKeysOfTheSameLength) {
  auto r = make_recording_provider();
  for (const char* name : {"span-aaaa", "span-aaab", "xpan-aaab", "x", "y",
                           "span-aaaaaaaaaaaaaaaaa1", "span-aaaaaaaaaaaaaaaaa2"}) {
    Span s = r.tracer().start_span(name);
    s.set_attribute(name, name);
  }
  auto spans = r.spans->spans();
  ASSERT_EQ(spans.size(), 7u);
  const char* expected[] = {"span-aaaa",
                            "span-aaab",
                            "xpan-aaab",
                            "x",
                            "y",
                            "span-aaaaaaaaaaaaaaaaa1",
                            "span-aaaaaaaaaaaaaaaaa2"};
  for (std::size_t i = 0; i < spans.size(); ++i) {
    EXPECT_EQ(spans[i].name, expected[i]);
    ASSERT_EQ(spans[i].attributes.size(), 1u);
    EXPECT_EQ(spans[i].attributes.items()[0].key, expected[i]);
  }
}

}  // namespace
}  // namespace argus::trace
