// B3: the single header (sampling 1/0/d, deny "0", optional parent) and the multi-header
// form (64- or 128-bit trace ids, X-B3-Sampled, X-B3-Flags debug); single wins over multi.
#include <gtest/gtest.h>

#include <string>

#include "argus/trace/propagation.h"
#include "propagation/test_util.h"

namespace argus::trace {
namespace {

using testing::extract;
using testing::Headers;

constexpr const char* kTrace = "80f198ee56343ba864fe8b2a57d3eff7";
constexpr const char* kSpan = "e457b5a2e4d86bd1";

TEST(PropagationB3Single, ParsesAllFields) {
  auto r = b3::parse_single(std::string(kTrace) + "-" + kSpan + "-1-05e3ac9a4f6e3b90");
  ASSERT_TRUE(r.context);
  EXPECT_EQ(r.context->trace_id.to_hex(), kTrace);
  EXPECT_EQ(r.context->span_id.to_hex(), kSpan);
  EXPECT_TRUE(r.context->is_sampled());
  EXPECT_FALSE(r.context->debug);
  EXPECT_TRUE(r.context->remote);
}

TEST(PropagationB3Single, SamplingStates) {
  const std::string ids = std::string(kTrace) + "-" + kSpan;
  auto r = b3::parse_single(ids + "-0");
  ASSERT_TRUE(r.context);
  EXPECT_FALSE(r.context->is_sampled());
  r = b3::parse_single(ids + "-d");
  ASSERT_TRUE(r.context);
  EXPECT_TRUE(r.context->debug);
  EXPECT_TRUE(r.context->is_sampled());
  r = b3::parse_single(ids);  // deferred: no decision, not sampled upstream
  ASSERT_TRUE(r.context);
  EXPECT_FALSE(r.context->is_sampled());
}

TEST(PropagationB3Single, SixtyFourBitTraceId) {
  auto r = b3::parse_single(std::string("a3ce929d0e0e4736-") + kSpan + "-1");
  ASSERT_TRUE(r.context);
  EXPECT_EQ(r.context->trace_id.to_hex(), "0000000000000000a3ce929d0e0e4736");
}

TEST(PropagationB3Single, DenyAlone) {
  auto r = b3::parse_single("0");
  EXPECT_FALSE(r.context);
  EXPECT_TRUE(r.denied);
  EXPECT_FALSE(b3::parse_single("1").context);
  EXPECT_FALSE(b3::parse_single("d").denied);
}

TEST(PropagationB3Single, RejectsBadInput) {
  const std::string t = kTrace;
  const std::string s = kSpan;
  for (const std::string& v : {std::string(),
                               std::string("x"),
                               t,
                               t + "-",
                               t + "-" + s + "-",
                               t + "-" + s + "-2",
                               t + "-" + s + "-true",
                               t + "-" + s + "-1-",
                               t + "-" + s + "-1-123",
                               t + "-" + s + "-1-0000000000000000",
                               t + "-" + s + "-1-05e3ac9a4f6e3b90-x",
                               "80F198EE56343BA864FE8B2A57D3EFF7-" + s + "-1",
                               t + "-E457B5A2E4D86BD1-1",
                               "00000000000000000000000000000000-" + s + "-1",
                               t + "-0000000000000000-1",
                               t.substr(1) + "-" + s + "-1",
                               t + "-" + s.substr(1) + "-1",
                               t + "0-" + s + "-1",
                               "0000000000000000000000000000000000000000-" + s + "-1",
                               t + "-" + s + "-1" + std::string(kMaxHeaderValue, ' ') + "x"}) {
    EXPECT_FALSE(b3::parse_single(v).context) << v;
  }
}

TEST(PropagationB3Multi, Extracts128And64Bit) {
  auto p = make_b3_propagator(false);
  bool found = false;
  auto ctx = extract(*p,
                     Headers{{"X-B3-TraceId", kTrace},
                             {"X-B3-SpanId", kSpan},
                             {"X-B3-ParentSpanId", "05e3ac9a4f6e3b90"},
                             {"X-B3-Sampled", "1"}},
                     &found);
  ASSERT_TRUE(found);
  EXPECT_EQ(ctx.span_context.trace_id.to_hex(), kTrace);
  EXPECT_TRUE(ctx.span_context.is_sampled());
  EXPECT_TRUE(ctx.span_context.remote);
  ctx = extract(*p, Headers{{"x-b3-traceid", "a3ce929d0e0e4736"}, {"x-b3-spanid", kSpan}}, &found);
  ASSERT_TRUE(found);
  EXPECT_EQ(ctx.span_context.trace_id.to_hex(), "0000000000000000a3ce929d0e0e4736");
  EXPECT_FALSE(ctx.span_context.is_sampled());
}

TEST(PropagationB3Multi, FlagsDebugAndLegacySampledValues) {
  auto p = make_b3_propagator(false);
  auto ctx =
      extract(*p, Headers{{"X-B3-TraceId", kTrace}, {"X-B3-SpanId", kSpan}, {"X-B3-Flags", "1"}});
  EXPECT_TRUE(ctx.span_context.debug);
  EXPECT_TRUE(ctx.span_context.is_sampled());
  ctx = extract(
      *p, Headers{{"X-B3-TraceId", kTrace}, {"X-B3-SpanId", kSpan}, {"X-B3-Sampled", "true"}});
  EXPECT_TRUE(ctx.span_context.is_sampled());
}

TEST(PropagationB3Multi, RejectsBadInput) {
  auto p = make_b3_propagator(false);
  const Headers bad[] = {
      {{"X-B3-TraceId", kTrace}},
      {{"X-B3-SpanId", kSpan}},
      {{"X-B3-TraceId", "80F198EE56343BA864FE8B2A57D3EFF7"}, {"X-B3-SpanId", kSpan}},
      {{"X-B3-TraceId", kTrace}, {"X-B3-SpanId", "0000000000000000"}},
      {{"X-B3-TraceId", kTrace}, {"X-B3-SpanId", kSpan}, {"X-B3-Sampled", "yes"}},
      {{"X-B3-TraceId", kTrace}, {"X-B3-SpanId", kSpan}, {"X-B3-Flags", "2"}},
      {{"X-B3-TraceId", kTrace}, {"X-B3-SpanId", kSpan}, {"X-B3-ParentSpanId", "xyz"}},
      {{"X-B3-TraceId", kTrace}, {"X-B3-TraceId", kTrace}, {"X-B3-SpanId", kSpan}},
      {{"X-B3-TraceId", kTrace},
       {"X-B3-SpanId", kSpan},
       {"X-B3-Sampled", "1"},
       {"X-B3-Sampled", "0"}},
  };
  for (const auto& h : bad) {
    bool found = true;
    extract(*p, h, &found);
    EXPECT_FALSE(found) << h[0].first << "=" << h[0].second;
  }
}

TEST(PropagationB3, SingleHeaderWinsOverMulti) {
  auto p = make_b3_propagator(true);
  auto ctx = extract(*p, Headers{{"X-B3-TraceId", "a3ce929d0e0e4736"},
                                 {"X-B3-SpanId", "1111111111111111"},
                                 {"b3", std::string(kTrace) + "-" + kSpan + "-0"}});
  EXPECT_EQ(ctx.span_context.trace_id.to_hex(), kTrace);
  // A present but invalid single header does not fall back to the multi form.
  bool found = true;
  extract(*p, Headers{{"b3", "garbage"}, {"X-B3-TraceId", kTrace}, {"X-B3-SpanId", kSpan}}, &found);
  EXPECT_FALSE(found);
}

TEST(PropagationB3, DenySetsHintWithoutContext) {
  auto p = make_b3_propagator(true);
  bool found = true;
  auto ctx = extract(*p, Headers{{"b3", "0"}}, &found);
  EXPECT_FALSE(found);
  EXPECT_TRUE(ctx.sampling_denied);
  ctx = extract(*p, Headers{{"X-B3-Sampled", "0"}}, &found);
  EXPECT_FALSE(found);
  EXPECT_TRUE(ctx.sampling_denied);
}

TEST(PropagationB3, InjectSingleAndMulti) {
  auto c = testing::context(kTrace, kSpan, TraceFlags::kSampled);
  auto h = testing::inject(*make_b3_propagator(true), c);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(*testing::header(h, "b3"), std::string(kTrace) + "-" + kSpan + "-1");
  c.debug = true;
  h = testing::inject(*make_b3_propagator(true), c);
  EXPECT_EQ(*testing::header(h, "b3"), std::string(kTrace) + "-" + kSpan + "-d");
  h = testing::inject(*make_b3_propagator(false), c);
  EXPECT_EQ(*testing::header(h, "x-b3-traceid"), kTrace);
  EXPECT_EQ(*testing::header(h, "x-b3-spanid"), kSpan);
  EXPECT_EQ(*testing::header(h, "x-b3-flags"), "1");
  EXPECT_EQ(testing::header(h, "x-b3-sampled"), nullptr);
  c.debug = false;
  c.flags = 0;
  h = testing::inject(*make_b3_propagator(false), c);
  EXPECT_EQ(*testing::header(h, "x-b3-sampled"), "0");
  // A 64-bit trace id goes back out as 16 characters.
  c = testing::context("0000000000000000a3ce929d0e0e4736", kSpan, 1);
  h = testing::inject(*make_b3_propagator(true), c);
  EXPECT_EQ(*testing::header(h, "b3"), std::string("a3ce929d0e0e4736-") + kSpan + "-1");
}

}  // namespace
}  // namespace argus::trace
