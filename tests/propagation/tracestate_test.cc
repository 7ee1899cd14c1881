// tracestate: the full key/value grammar, joining, the 32-member limit, whole-list rejection
// and the inject-side mutation (W3C Trace Context Level 2, section 3.3).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "argus/trace/propagation.h"
#include "propagation/test_util.h"

namespace argus::trace {
namespace {

using testing::extract;
using testing::Headers;

constexpr const char* kParent = "00-12345678901234567890123456789012-1234567890123456-00";

std::optional<std::string> parse(std::vector<std::string_view> headers) {
  return w3c::parse_tracestate(headers);
}

std::string members(int from, int to) {
  std::string s;
  for (int i = from; i <= to; ++i) {
    if (!s.empty()) s += ',';
    s += "bar" + std::to_string(i) + "=" + std::to_string(i);
  }
  return s;
}

TEST(PropagationTracestate, NormalisesOwsAndEmptyMembers) {
  EXPECT_EQ(parse({"foo=1 \t , \t bar=2, \t baz=3"}), "foo=1,bar=2,baz=3");
  EXPECT_EQ(parse({"foo=1\t \t,\t \tbar=2,\t \tbaz=3"}), "foo=1,bar=2,baz=3");
  EXPECT_EQ(parse({"\t foo=1 \t"}), "foo=1");
  EXPECT_EQ(parse({"foo=1,,  ,bar=2,"}), "foo=1,bar=2");
  EXPECT_EQ(parse({""}), "");
}

TEST(PropagationTracestate, JoinsHeadersInOrder) {
  EXPECT_EQ(parse({"foo=1,bar=2", "rojo=1,congo=2", "baz=3"}), "foo=1,bar=2,rojo=1,congo=2,baz=3");
  EXPECT_EQ(parse({"", "foo=1"}), "foo=1");
  EXPECT_EQ(parse({"foo=1", ""}), "foo=1");
}

TEST(PropagationTracestate, AllAllowedCharacters) {
  const std::string key = "abcdefghijklmnopqrstuvwxyz0123456789_-*/";
  std::string value;
  for (int c = 0x20; c <= 0x7e; ++c) {
    if (c != ',' && c != '=') value += static_cast<char>(c);
  }
  EXPECT_EQ(parse({key + "=" + value}), key + "=" + value);
  const std::string tenant_key = key + "@a-z0-9_-*/";
  EXPECT_EQ(parse({tenant_key + "=" + value}), tenant_key + "=" + value);
  EXPECT_EQ(parse({"0tenant@sys=1"}), "0tenant@sys=1");  // tenant may start with a digit
  EXPECT_EQ(parse({"foo= 1"}), "foo= 1");                // inner leading space is a chr
}

TEST(PropagationTracestate, KeyGrammarRejections) {
  for (const char* s : {"foo =1",
                        "FOO=1",
                        "foo.bar=1",
                        "1foo=1",
                        "_foo=1",
                        "foo@=1,bar=2",
                        "@foo=1,bar=2",
                        "foo@@bar=1,bar=2",
                        "foo@bar@baz=1,bar=2",
                        "foo@1sys=1",
                        "-t@v=1",
                        "=1",
                        "foo",
                        "foo=bar=baz",
                        "foo=,bar=3",
                        "foo=1,bar",
                        "foo=\x7f",
                        "foo=\x01",
                        "foo=a\tb",
                        "foo=\xc3\xa9"}) {
    EXPECT_FALSE(parse({s})) << s;
  }
}

TEST(PropagationTracestate, KeyLengthLimits) {
  EXPECT_TRUE(parse({std::string(256, 'z') + "=1"}));
  EXPECT_FALSE(parse({std::string(257, 'z') + "=1"}));
  EXPECT_TRUE(parse({std::string(241, 't') + "@" + std::string(14, 'v') + "=1"}));
  EXPECT_FALSE(parse({std::string(242, 't') + "@v=1"}));
  EXPECT_FALSE(parse({"t@" + std::string(15, 'v') + "=1"}));
}

TEST(PropagationTracestate, ValueLengthLimit) {
  EXPECT_TRUE(parse({"foo=" + std::string(256, 'v')}));
  EXPECT_FALSE(parse({"foo=" + std::string(257, 'v')}));
}

TEST(PropagationTracestate, DuplicateKeysDiscardTheList) {
  EXPECT_FALSE(parse({"foo=1,foo=1"}));
  EXPECT_FALSE(parse({"foo=1,foo=2"}));
  EXPECT_FALSE(parse({"foo=1", "foo=1"}));
  EXPECT_FALSE(parse({"foo=1", "foo=2"}));
}

TEST(PropagationTracestate, AtMost32Members) {
  auto ok = parse({members(1, 10), members(11, 20), members(21, 30), members(31, 32)});
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, members(1, 32));
  EXPECT_FALSE(parse({members(1, 10), members(11, 20), members(21, 30), members(31, 33)}));
}

TEST(PropagationTracestate, OversizedHeaderDiscardsTheList) {
  EXPECT_FALSE(parse({"foo=1", std::string(kMaxHeaderValue + 1, ',')}));
}

TEST(PropagationTracestate, ExtractedOnlyWithValidTraceparent) {
  auto p = make_trace_context_propagator();
  auto ctx = extract(*p, Headers{{"tracestate", "foo=1"}});
  EXPECT_TRUE(ctx.span_context.trace_state.empty());
  ctx = extract(*p,
                Headers{{"traceparent", "00-00000000000000000000000000000000-1234567890123456-01"},
                        {"tracestate", "foo=1"}});
  EXPECT_TRUE(ctx.span_context.trace_state.empty());
  ctx = extract(*p, Headers{{"TraceParent", kParent},
                            {"TrAcEsTaTe", "foo=1,bar=2"},
                            {"trace-state", "x=1"},
                            {"TRACESTATE", "baz=3"}});
  EXPECT_EQ(ctx.span_context.trace_state, "foo=1,bar=2,baz=3");
}

TEST(PropagationTracestate, InvalidListDroppedButTraceJoined) {
  auto p = make_trace_context_propagator();
  bool found = false;
  auto ctx = extract(*p, Headers{{"traceparent", kParent}, {"tracestate", "foo=1,FOO=2"}}, &found);
  EXPECT_TRUE(found);
  EXPECT_TRUE(ctx.span_context.trace_state.empty());
  EXPECT_EQ(ctx.span_context.trace_id.to_hex(), "12345678901234567890123456789012");
}

TEST(PropagationTracestate, InjectPassesStateThrough) {
  auto p = make_trace_context_propagator();
  auto ctx = extract(*p, Headers{{"traceparent", kParent}, {"tracestate", "foo=1, bar=2"}});
  auto h = testing::inject(*p, ctx.span_context);
  ASSERT_NE(testing::header(h, "tracestate"), nullptr);
  EXPECT_EQ(*testing::header(h, "tracestate"), "foo=1,bar=2");
}

TEST(PropagationTracestate, PutMovesOurEntryFirstAndDropsOldest) {
  EXPECT_EQ(*w3c::tracestate_put("", "argus", "x"), "argus=x");
  EXPECT_EQ(*w3c::tracestate_put("foo=1,argus=old,bar=2", "argus", "new"), "argus=new,foo=1,bar=2");
  const std::string full = members(1, 32);
  auto put = w3c::tracestate_put(full, "argus", "x");
  ASSERT_TRUE(put);
  EXPECT_EQ(*put, "argus=x," + members(1, 31));  // bar32, the oldest (last), dropped
  EXPECT_FALSE(w3c::tracestate_put(full, "Bad", "x"));
  EXPECT_FALSE(w3c::tracestate_put(full, "ok", "a,b"));
}

TEST(PropagationTracestate, VendorEntryOnInject) {
  auto p = make_trace_context_propagator(TraceContextOptions{"argus"});
  ASSERT_TRUE(p);
  auto c = testing::context("12345678901234567890123456789012", "00f067aa0ba902b7", 1);
  c.trace_state = members(1, 32);
  auto h = testing::inject(**p, c);
  ASSERT_NE(testing::header(h, "tracestate"), nullptr);
  EXPECT_EQ(*testing::header(h, "tracestate"), "argus=00f067aa0ba902b7," + members(1, 31));
  EXPECT_FALSE(make_trace_context_propagator(TraceContextOptions{"Not Valid"}));
}

}  // namespace
}  // namespace argus::trace
