// Shared attribute sets: what a span started with one exports is what it would export with the
// set's attributes given one by one, under the same limits and the same rule for repeated keys;
// only processors that take sets ever see the reference, and nothing that outlives the span's
// end keeps it.
#include <argus/trace/trace.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "unit/test_support.h"

namespace argus::trace {
namespace {

using testing::make_recording_provider;

std::unique_ptr<AttributeSet> make_set(std::initializer_list<KeyValue> attributes) {
  auto set = AttributeSet::create(std::span<const KeyValue>(attributes.begin(), attributes.size()));
  EXPECT_TRUE(set) << set.error().message;
  return set ? std::move(*set) : nullptr;
}

TEST(AttributeSet, KeepsTheLastValueOfARepeatedKeyAndMendsUtf8) {
  auto set = make_set({{"a", 1}, {"b", "x\xff"}, {"a", 2}});
  ASSERT_EQ(set->size(), 2u);
  EXPECT_EQ(set->items()[0].key, "a");
  EXPECT_EQ(set->items()[0].value.as_int(), 2);
  EXPECT_EQ(set->items()[1].value.as_string(), "x\xEF\xBF\xBD");
  EXPECT_EQ(set->views()[1].value.as_string(), "x\xEF\xBF\xBD");
  EXPECT_TRUE(set->contains("b"));
  EXPECT_FALSE(set->contains("c"));
  EXPECT_EQ(set->longest_value(), 4u);
}

TEST(AttributeSet, RejectsArraysAndEmptyKeys) {
  const std::int64_t ints[] = {1, 2};
  const KeyValue with_array[] = {{"ok", 1}, {"list", std::span<const std::int64_t>(ints)}};
  auto a = AttributeSet::create(with_array);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, Error::Code::invalid_argument);
  EXPECT_NE(a.error().message.find("\"list\""), std::string::npos);
  const KeyValue empty_key[] = {{"", 1}};
  EXPECT_FALSE(AttributeSet::create(empty_key));
}

TEST(AttributeSet, SpanExportsTheSetBesideItsOwnAttributes) {
  auto r = make_recording_provider();
  auto set = make_set({{"db.system", "sqlite"}, {"db.statement", "SELECT 1"}});
  const KeyValue own[] = {{"db.operation", "SELECT"}};
  {
    Span s = r.tracer().start_span("q", {.attributes = own, .attribute_set = set.get()});
    s.set_attribute("db.rows", 1);
  }
  set.reset();  // the exported copy owns everything it shows
  const auto spans = r.spans->spans();
  const SpanData& s = spans.at(0);
  EXPECT_EQ(s.attribute_set, nullptr);
  EXPECT_EQ(s.attributes.size(), 4u);
  EXPECT_EQ(s.attributes.find("db.system")->as_string(), "sqlite");
  EXPECT_EQ(s.attributes.find("db.statement")->as_string(), "SELECT 1");
  EXPECT_EQ(s.attributes.find("db.operation")->as_string(), "SELECT");
  EXPECT_EQ(s.attributes.find("db.rows")->as_int(), 1);
  EXPECT_EQ(s.dropped_attributes(), 0u);
}

TEST(AttributeSet, TheSpansOwnValueWinsOverTheSets) {
  auto r = make_recording_provider();
  auto set = make_set({{"k", "shared"}, {"other", 1}});
  const KeyValue own[] = {{"k", "given"}};
  r.tracer().start_span("given", {.attributes = own, .attribute_set = set.get()});
  {
    Span s = r.tracer().start_span("set later", {.attribute_set = set.get()});
    s.set_attribute("k", "later");
  }
  for (const SpanData& s : r.spans->spans()) {
    EXPECT_EQ(s.attributes.size(), 2u) << s.name;
    EXPECT_EQ(s.attributes.find("other")->as_int(), 1) << s.name;
  }
  EXPECT_EQ(r.spans->spans().at(0).attributes.find("k")->as_string(), "given");
  EXPECT_EQ(r.spans->spans().at(1).attributes.find("k")->as_string(), "later");
}

TEST(AttributeSet, CountsTowardsTheSpansLimits) {
  SpanLimits limits;
  limits.max_attributes = 3;
  limits.max_attribute_value_length = 4;
  auto r = make_recording_provider(nullptr, limits);
  auto fits = make_set({{"a", 1}, {"b", "bbbb"}});
  auto too_long = make_set({{"c", "cccccc"}});
  {
    Span s = r.tracer().start_span("referring", {.attribute_set = fits.get()});
    s.set_attribute("x", 1);
    s.set_attribute("y", 2);  // the fourth: dropped
  }
  const KeyValue own[] = {{"x", 1}, {"y", 2}};
  r.tracer().start_span("too many at the start", {.attributes = own, .attribute_set = fits.get()});
  r.tracer().start_span("too long", {.attribute_set = too_long.get()});
  const auto& spans = r.spans->spans();
  EXPECT_EQ(spans.at(0).attributes.size(), 3u);
  EXPECT_EQ(spans.at(0).dropped_attributes(), 1u);
  EXPECT_EQ(spans.at(0).attributes.find("y"), nullptr);
  EXPECT_EQ(spans.at(1).attributes.size(), 3u);
  EXPECT_EQ(spans.at(1).dropped_attributes(), 1u);
  EXPECT_EQ(spans.at(2).attributes.find("c")->as_string(), "cccc");
}

// A processor that takes sets: it sees the reference and the span's own attributes apart.
class SetTakingProcessor final : public SpanProcessor {
 public:
  void on_end(SpanData* span) noexcept override {
    seen_set = span->attribute_set;
    own_attributes = span->attributes.size();
    recycle_span_data(span);
  }
  bool force_flush(std::chrono::milliseconds) noexcept override { return true; }
  bool shutdown(std::chrono::milliseconds) noexcept override { return true; }
  ProcessorStats stats() const noexcept override { return {}; }
  bool takes_attribute_sets() const noexcept override { return true; }
  const AttributeSet* seen_set = nullptr;
  std::size_t own_attributes = 0;
};

class SetReadingSampler final : public Sampler {
 public:
  SamplingResult should_sample(const SamplingParams& params) noexcept override {
    seen_set = params.attribute_set;
    return {SamplingDecision::kRecordAndSample};
  }
  std::string description() const override { return "SetReadingSampler"; }
  const AttributeSet* seen_set = nullptr;
};

TEST(AttributeSet, OnlyAProcessorThatTakesSetsSeesTheReference) {
  auto processor = std::make_unique<SetTakingProcessor>();
  auto sampler = std::make_unique<SetReadingSampler>();
  SetTakingProcessor* seen = processor.get();
  SetReadingSampler* asked = sampler.get();
  TracerProviderOptions options;
  options.processor = std::move(processor);
  options.sampler = std::move(sampler);
  auto provider = std::move(*TracerProvider::create(std::move(options)));
  auto set = make_set({{"a", 1}, {"b", 2}});
  {
    Span s = provider->tracer("t").start_span("s", {.attribute_set = set.get()});
    s.set_attribute("own", true);
  }
  EXPECT_EQ(asked->seen_set, set.get());
  EXPECT_EQ(seen->seen_set, set.get());
  EXPECT_EQ(seen->own_attributes, 1u);
}

// The batch processor takes sets only through an encoder that does, and a span its encoder
// passes over travels as a record that holds the set's attributes itself.
class RefusingEncoder final : public SpanEncoder {
 public:
  std::string_view encode(const SpanData&) const noexcept override { return {}; }
  bool takes_attribute_sets() const noexcept override { return true; }
};

class RecordKeepingExporter final : public SpanExporter {
 public:
  struct Seen {
    std::mutex mutex;
    std::condition_variable cv;
    std::vector<std::string> statements;
    bool referred = false;
  };
  explicit RecordKeepingExporter(std::shared_ptr<Seen> seen) : seen_(std::move(seen)) {}
  ExportResult export_spans(std::span<const SpanData* const> spans) noexcept override {
    std::lock_guard lock(seen_->mutex);
    for (const SpanData* s : spans) {
      seen_->referred |= s->attribute_set != nullptr;
      const AttributeValue* v = s->attributes.find("db.statement");
      seen_->statements.emplace_back(v ? v->as_string() : "");
    }
    seen_->cv.notify_all();
    return ExportResult::kSuccess;
  }
  const SpanEncoder* encoder() const noexcept override { return &encoder_; }

 private:
  std::shared_ptr<Seen> seen_;
  RefusingEncoder encoder_;
};

TEST(AttributeSet, ASpanTheEncoderRefusesLeavesAsARecordWithItsOwnCopy) {
  auto seen = std::make_shared<RecordKeepingExporter::Seen>();
  auto processor = BatchSpanProcessor::create(std::make_unique<RecordKeepingExporter>(seen));
  ASSERT_TRUE(processor);
  EXPECT_TRUE((*processor)->takes_attribute_sets());
  TracerProviderOptions options;
  options.processor = std::move(*processor);
  auto provider = std::move(*TracerProvider::create(std::move(options)));
  {
    auto set = make_set({{"db.statement", "SELECT 1"}});
    provider->tracer("t").start_span("s", {.attribute_set = set.get()});
  }  // the set is gone before the export thread reads the record
  ASSERT_TRUE(provider->force_flush(std::chrono::seconds(10)));
  std::unique_lock lock(seen->mutex);
  ASSERT_EQ(seen->statements.size(), 1u);
  EXPECT_EQ(seen->statements[0], "SELECT 1");
  EXPECT_FALSE(seen->referred);
}

}  // namespace
}  // namespace argus::trace
