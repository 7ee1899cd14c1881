// Jaeger: uber-trace-id (variable-length hex, 64- or 128-bit, flags sampled/debug, %3A colons)
// and uberctx-{key} baggage.
#include <gtest/gtest.h>

#include <string>

#include "argus/trace/propagation.h"
#include "propagation/test_util.h"

namespace argus::trace {
namespace {

using testing::extract;
using testing::Headers;

TEST(PropagationJaeger, Parses128BitSampled) {
  auto c = jaeger::parse_uber_trace_id("4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:01");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->trace_id.to_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(c->span_id.to_hex(), "00f067aa0ba902b7");
  EXPECT_TRUE(c->is_sampled());
  EXPECT_FALSE(c->debug);
  EXPECT_TRUE(c->remote);
}

TEST(PropagationJaeger, VariableLengthIdsAnd64Bit) {
  auto c = jaeger::parse_uber_trace_id("3ac1c9d8:f067aa0ba902b7:1a2b:0");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->trace_id.to_hex(), "0000000000000000000000003ac1c9d8");
  EXPECT_EQ(c->span_id.to_hex(), "00f067aa0ba902b7");
  EXPECT_FALSE(c->is_sampled());
}

TEST(PropagationJaeger, DebugFlagAndEncodedColons) {
  auto c = jaeger::parse_uber_trace_id("4bf92f3577b34da6%3A00f067aa0ba902b7%3a0%3A3");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->debug);
  EXPECT_TRUE(c->is_sampled());
  c = jaeger::parse_uber_trace_id("1:2:0:2");  // debug alone still forces sampling
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->debug);
  EXPECT_TRUE(c->is_sampled());
}

TEST(PropagationJaeger, RejectsBadInput) {
  for (const std::string v :
       {"", "1:2:0", "1:2:0:1:5", "0:2:0:1", "1:0:0:1", "1:2:0:", "1:2::1", ":2:0:1", "1:2:0:100",
        "1:2:0:x", "ABC:2:0:1", "1:2:0:1%3", "1%3B2:0:1", "g:2:0:1",
        "123456789012345678901234567890123:2:0:1", "1:12345678901234567:0:1"}) {
    EXPECT_FALSE(jaeger::parse_uber_trace_id(v)) << v;
  }
  EXPECT_FALSE(jaeger::parse_uber_trace_id("1:2:0:1" + std::string(kMaxHeaderValue, ' ') + "x"));
}

TEST(PropagationJaeger, DuplicateHeaderInvalid) {
  auto p = make_jaeger_propagator();
  bool found = true;
  extract(*p, Headers{{"uber-trace-id", "1:2:0:1"}, {"Uber-Trace-Id", "1:2:0:1"}}, &found);
  EXPECT_FALSE(found);
}

TEST(PropagationJaeger, BaggageFromUberctxHeaders) {
  auto p = make_jaeger_propagator();
  bool found = true;
  auto ctx = extract(*p,
                     Headers{{"UberCtx-User", "alice%20smith"},
                             {"uberctx-bad", "%zz"},
                             {"uberctx-", "empty key"},
                             {"uberctx-plain", "v"}},
                     &found);
  EXPECT_FALSE(found);  // baggage without a trace id is still baggage
  ASSERT_EQ(ctx.baggage.entries.size(), 2u);
  EXPECT_EQ(ctx.baggage.find("user")->value, "alice smith");
  EXPECT_EQ(ctx.baggage.find("plain")->value, "v");
}

TEST(PropagationJaeger, Inject) {
  auto p = make_jaeger_propagator();
  auto c = testing::context("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", 1);
  Baggage b;
  b.entries.push_back({"user", "alice smith/1", ""});
  auto h = testing::inject(*p, c, b);
  EXPECT_EQ(*testing::header(h, "uber-trace-id"),
            "4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:01");
  EXPECT_EQ(*testing::header(h, "uberctx-user"), "alice%20smith%2F1");
  c.debug = true;
  c.trace_id = TraceId::from_hex("0000000000000000a3ce929d0e0e4736");
  h = testing::inject(*p, c);
  EXPECT_EQ(*testing::header(h, "uber-trace-id"), "a3ce929d0e0e4736:00f067aa0ba902b7:0:03");
  c.debug = false;
  c.flags = 0;
  h = testing::inject(*p, c);
  EXPECT_EQ(*testing::header(h, "uber-trace-id"), "a3ce929d0e0e4736:00f067aa0ba902b7:0:00");
}

}  // namespace
}  // namespace argus::trace
