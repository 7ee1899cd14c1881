// The server's view of incoming trace headers: BeastCarrierReader must enumerate prefixed
// headers (Jaeger's uberctx-* baggage) case-insensitively, and the propagators must see through
// it exactly what they see through the generic carriers.
#include "http/observe.h"

#include <gtest/gtest.h>

#include "argus/trace/trace.h"

namespace argus::http {
namespace {
namespace trace = argus::trace;

BeastRequest request_with(std::initializer_list<std::pair<const char*, const char*>> headers) {
  BeastRequest request{boost::beast::http::verb::get, "/", 11};
  for (const auto& [name, value] : headers) request.insert(name, value);
  return request;
}

TEST(BeastCarrierReader, JaegerBaggageFromUberctxHeaders) {
  auto request =
      request_with({{"uberctx-foo", "bar"},
                    {"UberCtx-Tenant", "acme%20corp"},
                    {"uber-trace-id", "4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1"},
                    {"x-uberctx-not", "ignored"}});
  auto propagator = trace::make_jaeger_propagator();
  trace::PropagationContext ctx;
  ASSERT_TRUE(propagator->extract(BeastCarrierReader(request), ctx));
  EXPECT_EQ(ctx.span_context.trace_id.to_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
  ASSERT_NE(ctx.baggage.find("foo"), nullptr);
  EXPECT_EQ(ctx.baggage.find("foo")->value, "bar");
  ASSERT_NE(ctx.baggage.find("tenant"), nullptr);
  EXPECT_EQ(ctx.baggage.find("tenant")->value, "acme corp");
  EXPECT_EQ(ctx.baggage.entries.size(), 2u);
}

TEST(BeastCarrierReader, DefaultCompositeSeesUberctxBaggageWithoutAContext) {
  auto request = request_with({{"uberctx-foo", "bar"}});
  auto propagator = trace::make_default_propagator();
  trace::PropagationContext ctx;
  propagator->extract(BeastCarrierReader(request), ctx);
  EXPECT_FALSE(ctx.span_context.is_valid());
  ASSERT_NE(ctx.baggage.find("foo"), nullptr);
  EXPECT_EQ(ctx.baggage.find("foo")->value, "bar");
}

TEST(BeastCarrierReader, ContainsAnyMatchesNamesAndPrefixesInAnyCase) {
  const std::string_view names[] = {"traceparent", "b3"};
  const std::string_view prefixes[] = {"uberctx-"};
  auto has = [&](std::initializer_list<std::pair<const char*, const char*>> headers) {
    return BeastCarrierReader(request_with(headers)).contains_any(names, prefixes);
  };
  EXPECT_FALSE(has({{"Host", "x"}, {"User-Agent", "y"}, {"b3x", "1"}, {"uberctx", "2"}}));
  EXPECT_TRUE(has({{"Host", "x"}, {"TraceParent", "z"}}));
  EXPECT_TRUE(has({{"B3", "0"}}));
  EXPECT_TRUE(has({{"UberCtx-Tenant", "acme"}}));
  EXPECT_FALSE(has({}));
}

TEST(BeastCarrierReader, PrefixEnumerationVisitsOnlyMatchingHeadersInOrder) {
  struct Collect final : trace::HeaderVisitor {
    std::vector<std::pair<std::string, std::string>> seen;
    void visit(std::string_view n, std::string_view v) noexcept override {
      seen.emplace_back(n, v);
    }
  } collect;
  auto request =
      request_with({{"UBERCTX-A", "1"}, {"Host", "x"}, {"uberctx-b", "2"}, {"uberctx", "3"}});
  BeastCarrierReader(request).for_each_prefixed("uberctx-", collect);
  ASSERT_EQ(collect.seen.size(), 2u);
  EXPECT_EQ(collect.seen[0], (std::pair<std::string, std::string>{"UBERCTX-A", "1"}));
  EXPECT_EQ(collect.seen[1], (std::pair<std::string, std::string>{"uberctx-b", "2"}));
}

TEST(BeastCarrierReader, B3DenyIsExtracted) {
  auto request = request_with({{"b3", "0"}});
  trace::PropagationContext ctx;
  trace::make_default_propagator()->extract(BeastCarrierReader(request), ctx);
  EXPECT_TRUE(ctx.sampling_denied);
  EXPECT_FALSE(ctx.span_context.is_valid());
}

}  // namespace
}  // namespace argus::http
