#include <argus/trace/sampler.h>
#include <gtest/gtest.h>

#include <cmath>

#include "unit/test_support.h"

namespace argus::trace {
namespace {

using testing::trace_id_with_low;

SamplingDecision decide(Sampler& s, const TraceId& id, const SpanContext* parent = nullptr) {
  return s.should_sample({parent, id, "op", SpanKind::kServer, {}}).decision;
}

constexpr auto kSample = SamplingDecision::kRecordAndSample;
constexpr auto kDrop = SamplingDecision::kDrop;

// Deterministic pseudo-random ids (splitmix64), so the statistics below never flake.
std::vector<TraceId> fixed_trace_ids(int n) {
  std::vector<TraceId> ids;
  std::uint64_t x = 42;
  auto next = [&] {
    x += 0x9e3779b97f4a7c15ULL;
    std::uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  for (int i = 0; i < n; ++i) ids.push_back(TraceId::from_halves(next(), next()));
  return ids;
}

TEST(Samplers, AlwaysOnAndOff) {
  auto on = make_always_on_sampler();
  auto off = make_always_off_sampler();
  EXPECT_EQ(decide(*on, trace_id_with_low(1)), kSample);
  EXPECT_EQ(decide(*off, trace_id_with_low(1)), kDrop);
}

TEST(Samplers, RatioMatchesOpenTelemetryGoBoundaries) {
  // opentelemetry-go: sampled iff (low 8 bytes, big-endian) >> 1 < ratio * 2^63.
  auto half = make_trace_id_ratio_sampler(0.5);
  EXPECT_EQ(decide(*half, trace_id_with_low(0x7fffffffffffffffULL)), kSample);
  EXPECT_EQ(decide(*half, trace_id_with_low(0x8000000000000000ULL)), kDrop);
  auto quarter = make_trace_id_ratio_sampler(0.25);
  EXPECT_EQ(decide(*quarter, trace_id_with_low(0x3fffffffffffffffULL)), kSample);
  EXPECT_EQ(decide(*quarter, trace_id_with_low(0x4000000000000000ULL)), kDrop);
  // The high half of the trace id plays no part.
  EXPECT_EQ(decide(*half, TraceId::from_halves(~0ULL, 1)), kSample);
}

TEST(Samplers, RatioZeroAndOneAndOutOfRange) {
  auto zero = make_trace_id_ratio_sampler(0.0);
  auto one = make_trace_id_ratio_sampler(1.0);
  auto nan = make_trace_id_ratio_sampler(std::nan(""));
  auto big = make_trace_id_ratio_sampler(7.0);
  for (const TraceId& id : fixed_trace_ids(2000)) {
    EXPECT_EQ(decide(*zero, id), kDrop);
    EXPECT_EQ(decide(*nan, id), kDrop);
    EXPECT_EQ(decide(*one, id), kSample);
    EXPECT_EQ(decide(*big, id), kSample);
  }
  EXPECT_EQ(decide(*one, trace_id_with_low(~0ULL)), kSample);
}

TEST(Samplers, RatioHalfIsDeterministicAcrossInstances) {
  auto a = make_trace_id_ratio_sampler(0.5);
  auto b = make_trace_id_ratio_sampler(0.5);
  int sampled = 0;
  const auto ids = fixed_trace_ids(10000);
  for (const TraceId& id : ids) {
    const auto da = decide(*a, id);
    ASSERT_EQ(da, decide(*b, id));
    ASSERT_EQ(da, decide(*a, id));  // and stable over time
    sampled += da == kSample;
  }
  EXPECT_GT(sampled, 4700);
  EXPECT_LT(sampled, 5300);
}

TEST(Samplers, ParentBasedFollowsParentAndHonoursDebug) {
  auto sampler = make_parent_based_sampler(make_always_off_sampler());
  SpanContext parent =
      testing::make_context(TraceId::from_halves(1, 2), SpanId(3), TraceFlags::kSampled, true);
  EXPECT_EQ(decide(*sampler, parent.trace_id, &parent), kSample);
  parent.flags = 0;
  EXPECT_EQ(decide(*sampler, parent.trace_id, &parent), kDrop);
  parent.debug = true;  // B3 "d" or Jaeger debug from upstream
  EXPECT_EQ(decide(*sampler, parent.trace_id, &parent), kSample);
  EXPECT_EQ(decide(*sampler, parent.trace_id, nullptr), kDrop);  // root: the root sampler
  auto on_root = make_parent_based_sampler(make_always_on_sampler());
  SpanContext unsampled = testing::make_context(TraceId::from_halves(1, 2), SpanId(3), 0, true);
  EXPECT_EQ(decide(*on_root, unsampled.trace_id, &unsampled), kDrop);
  EXPECT_EQ(decide(*on_root, unsampled.trace_id, nullptr), kSample);
  EXPECT_NE(on_root->description().find("ParentBased"), std::string::npos);
}

TEST(Samplers, JaegerConstAndProbabilistic) {
  auto yes = make_jaeger_const_sampler(true);
  auto no = make_jaeger_const_sampler(false);
  EXPECT_EQ(decide(*yes, trace_id_with_low(5)), kSample);
  EXPECT_EQ(decide(*no, trace_id_with_low(5)), kDrop);
  auto result = yes->should_sample({nullptr, trace_id_with_low(5), "op", SpanKind::kServer, {}});
  ASSERT_EQ(result.attributes.size(), 2u);
  EXPECT_EQ(result.attributes[0].key, "sampler.type");
  EXPECT_EQ(result.attributes[0].value.as_string(), "const");

  // jaeger-client-go: sampled iff (low & (2^63-1)) <= (2^63-1) * rate.
  auto half = make_jaeger_probabilistic_sampler(0.5);
  EXPECT_EQ(decide(*half, trace_id_with_low(0x3ffffffffffffffeULL)), kSample);
  EXPECT_EQ(decide(*half, trace_id_with_low(0x4000000000000001ULL)), kDrop);
  EXPECT_EQ(decide(*half, trace_id_with_low(0xC000000000000001ULL)), kDrop);  // top bit ignored
  auto negative = make_jaeger_probabilistic_sampler(-3);
  EXPECT_EQ(decide(*negative, trace_id_with_low(1)), kDrop);
}

TEST(Samplers, JaegerRateLimitingOverAFakeClock) {
  ManualClock clock;
  auto sampler = make_jaeger_rate_limiting_sampler(2.0, clock);
  const TraceId id = trace_id_with_low(1);
  EXPECT_EQ(decide(*sampler, id), kSample);  // the bucket starts full: 2 credits
  EXPECT_EQ(decide(*sampler, id), kSample);
  EXPECT_EQ(decide(*sampler, id), kDrop);
  clock.advance_ns(250'000'000);  // 0.5 credit
  EXPECT_EQ(decide(*sampler, id), kDrop);
  clock.advance_ns(250'000'000);  // 1 credit
  EXPECT_EQ(decide(*sampler, id), kSample);
  EXPECT_EQ(decide(*sampler, id), kDrop);
  clock.advance_ns(60'000'000'000);  // a long pause refills only up to the burst size
  int sampled = 0;
  for (int i = 0; i < 10; ++i) sampled += decide(*sampler, id) == kSample;
  EXPECT_EQ(sampled, 2);
}

TEST(Samplers, FractionalRateLimitStillAllowsOneTrace) {
  ManualClock clock;
  auto sampler = make_jaeger_rate_limiting_sampler(0.5, clock);  // one trace per 2 s
  const TraceId id = trace_id_with_low(1);
  EXPECT_EQ(decide(*sampler, id), kSample);
  EXPECT_EQ(decide(*sampler, id), kDrop);
  clock.advance_ns(1'000'000'000);
  EXPECT_EQ(decide(*sampler, id), kDrop);
  clock.advance_ns(1'000'000'000);
  EXPECT_EQ(decide(*sampler, id), kSample);
}

}  // namespace
}  // namespace argus::trace
