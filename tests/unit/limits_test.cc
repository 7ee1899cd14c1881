// Limits and bad input: nothing crashes, nothing throws, and whatever is dropped or shortened
// is counted on the span.
#include <argus/trace/trace.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "unit/test_support.h"

namespace argus::trace {
namespace {

using testing::make_recording_provider;

SpanLimits small_limits() {
  SpanLimits l;
  l.max_attributes = 3;
  l.max_events = 2;
  l.max_links = 1;
  l.max_attributes_per_event = 1;
  l.max_attribute_value_length = 8;
  return l;
}

TEST(Limits, ExcessAttributesEventsAndLinksAreDroppedAndCounted) {
  auto r = make_recording_provider(nullptr, small_limits());
  {
    Span s = r.tracer().start_span("limited");
    for (int i = 0; i < 5; ++i) s.set_attribute("k" + std::to_string(i), i);
    s.set_attribute("k0", 100);  // replacing an existing key is always allowed
    for (int i = 0; i < 4; ++i) s.add_event("e", {{"a", 1}, {"b", 2}});
    SpanContext link = testing::make_context(TraceId::from_halves(1, 1), SpanId(1), 0);
    s.add_link(link);
    s.add_link(link);
    s.add_link(SpanContext{});  // invalid links are ignored, not counted
  }
  auto s = r.spans->spans().at(0);
  EXPECT_EQ(s.attributes.size(), 3u);
  EXPECT_EQ(s.dropped_attributes(), 2u);
  EXPECT_EQ(s.attributes.find("k0")->as_int(), 100);
  EXPECT_EQ(s.events().size(), 2u);
  EXPECT_EQ(s.dropped_events(), 2u);
  EXPECT_EQ(s.events()[0].attributes.size(), 1u);
  EXPECT_EQ(s.events()[0].attributes.dropped(), 1u);
  EXPECT_EQ(s.links().size(), 1u);
  EXPECT_EQ(s.dropped_links(), 1u);
}

TEST(Limits, LongValuesAreTruncatedAtCharacterBoundaries) {
  SpanLimits limits = small_limits();
  limits.max_attributes = 8;
  auto r = make_recording_provider(nullptr, limits);
  {
    Span s = r.tracer().start_span("long");
    s.set_attribute("ascii", "0123456789abcdef");
    s.set_attribute("utf8", "ééééé");  // 2 bytes each: 8 bytes fit exactly 4 characters
    s.set_attribute("euro", "€€€");    // 3 bytes each: only 2 fit in 8 bytes
    const std::string_view items[] = {"short", "much-too-long"};
    s.set_attribute("array", std::span<const std::string_view>(items));
  }
  auto s = r.spans->spans().at(0);
  ASSERT_EQ(s.attributes.size(), 4u);
  EXPECT_EQ(s.attributes.find("ascii")->as_string(), "01234567");
  EXPECT_EQ(s.attributes.find("utf8")->as_string(), "éééé");
  EXPECT_EQ(s.attributes.find("euro")->as_string(), "€€");
  EXPECT_EQ(s.attributes.find("array")->string_array()[1], "much-too");
  EXPECT_EQ(s.attributes.truncated(), 4u);
}

TEST(BadInput, EmptyKeysAreDroppedAndCounted) {
  auto r = make_recording_provider();
  {
    Span s = r.tracer().start_span("keys");
    s.set_attribute("", "value");
    s.add_event("e", {{"", 1}});
  }
  auto s = r.spans->spans().at(0);
  EXPECT_EQ(s.attributes.size(), 0u);
  EXPECT_EQ(s.dropped_attributes(), 1u);
  EXPECT_EQ(s.events()[0].attributes.dropped(), 1u);
}

TEST(BadInput, InvalidUtf8IsReplacedNotPassedOn) {
  auto r = make_recording_provider();
  {
    Span s = r.tracer().start_span(std::string_view("na\xffme", 5));
    s.set_attribute("bad", std::string_view("a\xc3(b\xed\xa0\x80z\xf4\x90\x80\x80", 12));
    s.set_attribute(std::string_view("k\xfe", 2), "v");
    s.set_status(StatusCode::kError, std::string_view("\xc0\xaf", 2));  // overlong '/'
  }
  auto s = r.spans->spans().at(0);
  EXPECT_EQ(s.name, "na\xEF\xBF\xBDme");
  // Each invalid byte becomes U+FFFD; surrogates and code points above U+10FFFF are invalid.
  EXPECT_EQ(s.attributes.find("bad")->as_string(),
            "a\xEF\xBF\xBD(b\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDz"
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_NE(s.attributes.find("k\xEF\xBF\xBD"), nullptr);
  EXPECT_EQ(s.status.message, "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(BadInput, NanAndInfinitiesAreKeptAsDoubles) {
  auto r = make_recording_provider();
  {
    Span s = r.tracer().start_span("floats");
    s.set_attribute("nan", std::nan(""));
    s.set_attribute("inf", std::numeric_limits<double>::infinity());
    s.set_attribute("-inf", -std::numeric_limits<double>::infinity());
  }
  auto s = r.spans->spans().at(0);
  EXPECT_TRUE(std::isnan(s.attributes.find("nan")->as_double()));
  EXPECT_TRUE(std::isinf(s.attributes.find("inf")->as_double()));
  EXPECT_LT(s.attributes.find("-inf")->as_double(), 0);
}

TEST(BadInput, InvalidLimitsAreAConfigurationError) {
  TracerProviderOptions o;
  o.limits.max_attribute_value_length = 0;
  auto provider = TracerProvider::create(std::move(o));
  ASSERT_FALSE(provider);
  EXPECT_EQ(provider.error().code, Error::Code::invalid_config);
}

TEST(Pooling, RecycledRecordsStartEmpty) {
  auto r = make_recording_provider();
  for (int i = 0; i < 3; ++i) {
    Span s = r.tracer().start_span("reused");
    if (i == 0) {
      s.set_attribute("only-first", true);
      s.add_event("only-first");
      s.set_status(StatusCode::kError, "first");
    }
  }
  auto spans = r.spans->spans();
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_EQ(spans[0].attributes.size(), 1u);
  for (int i = 1; i < 3; ++i) {
    EXPECT_EQ(spans[i].attributes.size(), 0u);
    EXPECT_EQ(spans[i].events().size(), 0u);
    EXPECT_EQ(spans[i].status.code, StatusCode::kUnset);
    EXPECT_EQ(spans[i].name, "reused");
  }
}

TEST(Pooling, RecycledRecordsForgetLinksDroppedCountsAndStatus) {
  SpanLimits limits;
  limits.max_events = 1;
  limits.max_links = 1;
  auto r = make_recording_provider(nullptr, limits);
  const SpanContext other = testing::make_context(testing::trace_id_with_low(7), SpanId(9), 1);
  for (int i = 0; i < 3; ++i) {
    Span s = r.tracer().start_span("reused");
    if (i == 0) {
      s.add_event("kept");
      s.add_event("dropped");
      s.add_link(other);
      s.add_link(other);
      s.set_status(StatusCode::kOk);
    }
  }
  auto spans = r.spans->spans();
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_EQ(spans[0].events().size(), 1u);
  EXPECT_EQ(spans[0].dropped_events(), 1u);
  EXPECT_EQ(spans[0].links().size(), 1u);
  EXPECT_EQ(spans[0].dropped_links(), 1u);
  EXPECT_EQ(spans[0].status.code, StatusCode::kOk);
  for (int i = 1; i < 3; ++i) {
    EXPECT_EQ(spans[i].links().size(), 0u);
    EXPECT_EQ(spans[i].dropped_events(), 0u);
    EXPECT_EQ(spans[i].dropped_links(), 0u);
    EXPECT_EQ(spans[i].status.code, StatusCode::kUnset);
    EXPECT_TRUE(spans[i].status.message.empty());
  }
}

// Records are reused by shape (the span name) and values are stored only when they changed;
// a parent that ends after its child makes the two names alternate in the record cache, and
// the same keys change type between the shapes.
TEST(Pooling, ReusedRecordsHoldExactlyTheNewValues) {
  auto r = make_recording_provider();
  for (std::int64_t i = 0; i < 6; ++i) {
    Span parent = r.tracer().start_span("parent", {.root = true});
    parent.set_attribute("k", i);
    parent.set_attribute("s", "p" + std::to_string(i % 2));
    parent.set_attribute("f", static_cast<double>(i) / 2);
    {
      Span child = r.tracer().start_span("child", {.parent = &parent.context()});
      child.set_attribute("k", i % 2 == 0);
      child.set_attribute("s", i);
      if (i % 3 == 0) child.set_attribute("only-some", "yes");
    }
  }
  auto spans = r.spans->spans();
  ASSERT_EQ(spans.size(), 12u);
  for (std::size_t n = 0; n < spans.size(); n += 2) {
    const auto i = static_cast<std::int64_t>(n / 2);
    const SpanData& child = spans[n];
    const SpanData& parent = spans[n + 1];
    ASSERT_EQ(child.name, "child");
    ASSERT_EQ(parent.name, "parent");
    ASSERT_EQ(parent.attributes.size(), 3u);
    EXPECT_EQ(parent.attributes.find("k")->as_int(), i);
    EXPECT_EQ(parent.attributes.find("s")->as_string(), "p" + std::to_string(i % 2));
    EXPECT_EQ(parent.attributes.find("f")->as_double(), static_cast<double>(i) / 2);
    ASSERT_EQ(child.attributes.size(), i % 3 == 0 ? 3u : 2u);
    ASSERT_EQ(child.attributes.find("k")->type(), AttributeType::kBool);
    EXPECT_EQ(child.attributes.find("k")->as_bool(), i % 2 == 0);
    ASSERT_EQ(child.attributes.find("s")->type(), AttributeType::kInt);
    EXPECT_EQ(child.attributes.find("s")->as_int(), i);
    EXPECT_EQ(child.attributes.find("only-some") != nullptr, i % 3 == 0);
  }
}

TEST(Pooling, ArrayValuesSurviveRecyclingAndCopies) {
  auto r = make_recording_provider();
  const std::int64_t ints[] = {1, 2, 3};
  const std::string_view words[] = {"a", "bc"};
  for (int i = 0; i < 3; ++i) {
    Span s = r.tracer().start_span("arrays");
    if (i == 1) {
      s.set_attribute("v", "text");
    } else {
      s.set_attribute("v", std::span<const std::int64_t>(ints));
      s.set_attribute("w", std::span<const std::string_view>(words));
    }
  }
  const auto spans = r.spans->spans();  // copies of the records
  ASSERT_EQ(spans.size(), 3u);
  for (int i : {0, 2}) {
    const AttributeValue* v = spans[i].attributes.find("v");
    ASSERT_NE(v, nullptr);
    ASSERT_EQ(v->type(), AttributeType::kIntArray);
    EXPECT_EQ(std::vector<std::int64_t>(v->int_array().begin(), v->int_array().end()),
              (std::vector<std::int64_t>{1, 2, 3}));
    const AttributeValue* w = spans[i].attributes.find("w");
    ASSERT_NE(w, nullptr);
    ASSERT_EQ(w->string_array().size(), 2u);
    EXPECT_EQ(w->string_array()[1], "bc");
  }
  const AttributeValue* text = spans[1].attributes.find("v");
  ASSERT_NE(text, nullptr);
  EXPECT_EQ(text->type(), AttributeType::kString);
  EXPECT_EQ(text->as_string(), "text");
  EXPECT_EQ(spans[1].attributes.find("w"), nullptr);
  AttributeValue assigned;
  assigned = *spans[0].attributes.find("v");
  AttributeValue moved = std::move(assigned);
  EXPECT_EQ(moved.int_array().size(), 3u);
  EXPECT_EQ(moved.int_array()[2], 3);
}

}  // namespace
}  // namespace argus::trace
