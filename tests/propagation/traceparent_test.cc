// traceparent: every rule of W3C Trace Context Level 2, section 3.2, and its bad inputs.
#include <gtest/gtest.h>

#include <string>

#include "argus/trace/propagation.h"
#include "propagation/test_util.h"
#include "trace/propagation/common/text.h"

namespace argus::trace {
namespace {

using testing::extract;
using testing::Headers;

constexpr const char* kValid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(PropagationTraceparent, ParsesVersion00) {
  auto c = w3c::parse_traceparent(kValid);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->trace_id.to_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(c->span_id.to_hex(), "00f067aa0ba902b7");
  EXPECT_TRUE(c->is_sampled());
  EXPECT_TRUE(c->remote);
  EXPECT_FALSE(c->debug);
}

TEST(PropagationTraceparent, FlagsSampledAndRandomKeptUnknownBitsDropped) {
  auto c = w3c::parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->flags, TraceFlags::kSampled | TraceFlags::kRandom);
  c = w3c::parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-fc");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->flags, 0);
  c = w3c::parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->is_sampled());
}

TEST(PropagationTraceparent, OptionalWhitespaceAround) {
  for (std::string v :
       {std::string(" ") + kValid, std::string("\t") + kValid, std::string(kValid) + " ",
        std::string(kValid) + "\t", std::string("\t ") + kValid + " \t"}) {
    EXPECT_TRUE(w3c::parse_traceparent(v)) << v;
  }
}

TEST(PropagationTraceparent, FutureVersions) {
  EXPECT_TRUE(w3c::parse_traceparent("cc-12345678901234567890123456789012-1234567890123456-01"));
  EXPECT_TRUE(w3c::parse_traceparent(
      "cc-12345678901234567890123456789012-1234567890123456-01-what-the-future-will-be-like"));
  EXPECT_FALSE(w3c::parse_traceparent(
      "cc-12345678901234567890123456789012-1234567890123456-01.what-the-future-will-be-like"));
  EXPECT_FALSE(w3c::parse_traceparent("ff-12345678901234567890123456789012-1234567890123456-01"));
}

TEST(PropagationTraceparent, RejectsBadInput) {
  const char* bad[] = {
      "",
      "00",
      "00-12345678901234567890123456789012-1234567890123456-01.",
      "00-12345678901234567890123456789012-1234567890123456-01-what-the-future-will-be-like",
      ".0-12345678901234567890123456789012-1234567890123456-01",
      "0.-12345678901234567890123456789012-1234567890123456-01",
      "000-12345678901234567890123456789012-1234567890123456-01",
      "0-12345678901234567890123456789012-1234567890123456-01",
      "00-00000000000000000000000000000000-1234567890123456-01",
      "00-.2345678901234567890123456789012-1234567890123456-01",
      "00-123456789012345678901234567890123-1234567890123456-01",
      "00-1234567890123456789012345678901-1234567890123456-01",
      "00-12345678901234567890123456789012-0000000000000000-01",
      "00-12345678901234567890123456789012-.234567890123456-01",
      "00-12345678901234567890123456789012-12345678901234567-01",
      "00-12345678901234567890123456789012-123456789012345-01",
      "00-12345678901234567890123456789012-1234567890123456-.0",
      "00-12345678901234567890123456789012-1234567890123456-001",
      "00-12345678901234567890123456789012-1234567890123456-1",
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",  // uppercase
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0A",
      "0A-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-zz",
  };
  for (const char* v : bad) EXPECT_FALSE(w3c::parse_traceparent(v)) << v;
}

TEST(PropagationTraceparent, OversizedValueRejected) {
  std::string v = std::string("cc-12345678901234567890123456789012-1234567890123456-01-") +
                  std::string(kMaxHeaderValue, 'x');
  EXPECT_FALSE(w3c::parse_traceparent(v));
}

TEST(PropagationTraceparent, HeaderNameAnyCaseButExact) {
  auto p = make_trace_context_propagator();
  for (const char* name : {"traceparent", "TraceParent", "TRACEPARENT", "TrAcEpArEnT"}) {
    bool found = false;
    auto ctx = extract(*p, Headers{{name, kValid}}, &found);
    EXPECT_TRUE(found) << name;
    EXPECT_TRUE(ctx.span_context.remote);
  }
  for (const char* name : {"trace-parent", "trace.parent", "traceparent "}) {
    bool found = true;
    extract(*p, Headers{{name, kValid}}, &found);
    EXPECT_FALSE(found) << name;
  }
}

TEST(PropagationTraceparent, DuplicateHeaderIsInvalid) {
  auto p = make_trace_context_propagator();
  bool found = true;
  auto ctx = extract(*p,
                     Headers{{"traceparent", kValid},
                             {"traceparent",
                              "00-12345678901234567890123456789012-"
                              "1234567890123456-01"}},
                     &found);
  EXPECT_FALSE(found);
  EXPECT_FALSE(ctx.span_context.is_valid());
  // Even two identical copies: the spec makes no exception.
  extract(*p, Headers{{"traceparent", kValid}, {"TRACEPARENT", kValid}}, &found);
  EXPECT_FALSE(found);
}

TEST(PropagationTraceparent, InvalidLeavesContextUntouched) {
  auto p = make_trace_context_propagator();
  PropagationContext ctx;
  ctx.span_context.trace_state = "keep=1";
  const Headers h{{"traceparent", "00-00000000000000000000000000000000-1234567890123456-01"}};
  EXPECT_FALSE(p->extract(PairRangeReader(h), ctx));
  EXPECT_EQ(ctx.span_context.trace_state, "keep=1");
  EXPECT_FALSE(ctx.span_context.is_valid());
}

TEST(PropagationTraceparent, InjectWritesVersion00) {
  auto p = make_trace_context_propagator();
  auto c = testing::context("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7",
                            TraceFlags::kSampled | TraceFlags::kRandom);
  auto h = testing::inject(*p, c);
  ASSERT_NE(testing::header(h, "traceparent"), nullptr);
  EXPECT_EQ(*testing::header(h, "traceparent"),
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03");
  EXPECT_EQ(testing::header(h, "tracestate"), nullptr);  // empty state: no header
  c.flags = 0;
  c.debug = true;  // debug has no W3C bit; it means sampled
  h = testing::inject(*p, c);
  EXPECT_EQ(*testing::header(h, "traceparent"),
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
}

TEST(PropagationTraceparent, InjectSkipsInvalidContext) {
  auto p = make_trace_context_propagator();
  EXPECT_TRUE(testing::inject(*p, SpanContext{}).empty());
}

TEST(PropagationTraceparent, FutureVersionReinjectedAsVersion00) {
  auto p = make_trace_context_propagator();
  auto ctx = extract(
      *p, Headers{{"traceparent", "cc-12345678901234567890123456789012-1234567890123456-01-x"}});
  auto h = testing::inject(*p, ctx.span_context);
  EXPECT_EQ(*testing::header(h, "traceparent"),
            "00-12345678901234567890123456789012-1234567890123456-01");
}

}  // namespace
}  // namespace argus::trace

namespace argus::trace {
namespace {

// The SWAR hex decoder must agree with the table decoder on every byte in every position.
TEST(PropagationHex, SwarAgreesWithTable) {
  const std::string base = "0123456789abcdef";
  for (std::size_t pos = 0; pos < 16; ++pos) {
    for (int c = 0; c < 256; ++c) {
      std::string s = base;
      s[pos] = static_cast<char>(c);
      std::uint64_t a = 0;
      std::uint64_t b = 0;
      const bool ok_table = propagation_detail::parse_hex64(s.data(), 16, a);
      const bool ok_swar = propagation_detail::parse_hex16(s.data(), b);
      ASSERT_EQ(ok_table, ok_swar) << pos << " " << c;
      if (ok_table) {
        ASSERT_EQ(a, b) << s;
      }
    }
  }
  std::uint64_t v = 0;
  ASSERT_TRUE(propagation_detail::parse_hex16("fedcba9876543210", v));
  EXPECT_EQ(v, 0xfedcba9876543210ULL);
}

}  // namespace
}  // namespace argus::trace
