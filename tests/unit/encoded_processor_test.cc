// The batch processor's encoded path, with an exporter whose encoder writes a span as text: what
// the encoder produced reaches export_encoded intact and in order, across arena wrap-arounds and
// threads; spans the encoder refuses, or too large for the arena, travel as records; spans still
// staged on their thread are encoded at a flush, even after their attribute set or their thread
// is gone; a full arena drops and counts exactly; and a large backlog goes out in requests of
// bounded size.
#include <argus/trace/trace.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

namespace argus::trace {
namespace {

using namespace std::chrono_literals;

// A span's attribute, its own or from its attribute set.
const AttributeValue* find_attribute(const SpanData& span, std::string_view key) {
  if (const AttributeValue* own = span.attributes.find(key)) return own;
  if (span.attribute_set == nullptr) return nullptr;
  for (const Attribute& a : span.attribute_set->items()) {
    if (a.key == key) return &a.value;
  }
  return nullptr;
}

// "name#i#payload", where i is the span's integer attribute "i" and payload its attribute
// "payload". Spans named "unencodable" are refused.
class TextEncoder final : public SpanEncoder {
 public:
  std::string_view encode(const SpanData& span) const noexcept override {
    if (span.name == "unencodable") return {};
    thread_local std::string text;
    const AttributeValue* i = find_attribute(span, "i");
    const AttributeValue* payload = find_attribute(span, "payload");
    text = span.name + "#" + std::to_string(i ? i->as_int() : -1) + "#";
    if (payload) text += payload->as_string();
    return text;
  }
  bool takes_attribute_sets() const noexcept override { return true; }
};

struct Received {
  std::mutex mutex;
  std::condition_variable cv;
  bool gate_open = true;
  int encoded_calls = 0;
  std::vector<std::string> encoded;  // the bytes of every encoded span, in export order
  std::vector<std::string> scopes;   // the scope name of each
  std::vector<std::size_t> call_bytes;
  std::vector<std::string> records;  // names of the spans exported as records

  void open_gate() {
    std::lock_guard lock(mutex);
    gate_open = true;
    cv.notify_all();
  }
  bool wait_for_calls(int n) {
    std::unique_lock lock(mutex);
    return cv.wait_for(lock, 10s, [&] { return encoded_calls >= n; });
  }
};

class TextExporter final : public SpanExporter {
 public:
  explicit TextExporter(std::shared_ptr<Received> received) : received_(std::move(received)) {}
  ExportResult export_spans(std::span<const SpanData* const> spans) noexcept override {
    std::lock_guard lock(received_->mutex);
    for (const SpanData* s : spans) received_->records.push_back(s->name);
    return ExportResult::kSuccess;
  }
  const SpanEncoder* encoder() const noexcept override { return &encoder_; }
  ExportResult export_encoded(std::span<const EncodedSpan> spans) noexcept override {
    std::unique_lock lock(received_->mutex);
    ++received_->encoded_calls;
    received_->cv.notify_all();
    received_->cv.wait(lock, [&] { return received_->gate_open; });
    std::size_t bytes = 0;
    for (const EncodedSpan& s : spans) {
      received_->encoded.emplace_back(s.bytes);
      received_->scopes.push_back(s.scope ? s.scope->name : "");
      bytes += s.bytes.size();
    }
    received_->call_bytes.push_back(bytes);
    return ExportResult::kSuccess;
  }

 private:
  TextEncoder encoder_;
  std::shared_ptr<Received> received_;
};

struct Pipeline {
  std::shared_ptr<Received> received = std::make_shared<Received>();
  std::unique_ptr<TracerProvider> provider;
};

Pipeline make_pipeline(BatchSpanProcessorOptions options, std::uint32_t max_value_length = 4096) {
  Pipeline p;
  TracerProviderOptions o;
  o.limits.max_attribute_value_length = max_value_length;
  o.processor =
      std::move(*BatchSpanProcessor::create(std::make_unique<TextExporter>(p.received), options));
  p.provider = std::move(*TracerProvider::create(std::move(o)));
  return p;
}

// Deterministic content of varying length, so a torn or misplaced span cannot go unnoticed.
std::string payload_for(int thread, int i) {
  std::string s(static_cast<std::size_t>((i * 37 + thread * 11) % 900), 'a');
  for (std::size_t k = 0; k < s.size(); ++k) s[k] = static_cast<char>('a' + (k + i + thread) % 26);
  return s;
}

void end_span(Tracer& tracer, std::string_view name, int i, std::string_view payload) {
  Span s = tracer.start_span(name);
  s.set_attribute("i", i);
  s.set_attribute("payload", payload);
}

// Holds the export thread inside a first export until the gate opens.
void block_exporter(Pipeline& p) {
  p.received->gate_open = false;
  p.provider->tracer().start_span("blocker");
  EXPECT_FALSE(p.provider->force_flush(1ms));
  ASSERT_TRUE(p.received->wait_for_calls(1));
}

TEST(EncodedBatchProcessor, EncodedSpansArriveIntactInOrderWithTheirScopes) {
  auto p = make_pipeline({.schedule_delay = std::chrono::hours(1)});
  std::vector<std::string> expected, scopes;
  for (int i = 0; i < 300; ++i) {
    const std::string scope = i % 3 == 0 ? "alpha" : "beta";
    end_span(p.provider->tracer(scope), "span", i, payload_for(0, i));
    expected.push_back("span#" + std::to_string(i) + "#" + payload_for(0, i));
    scopes.push_back(scope);
  }
  ASSERT_TRUE(p.provider->force_flush(10s));
  EXPECT_EQ(p.received->encoded, expected);
  EXPECT_EQ(p.received->scopes, scopes);
  EXPECT_TRUE(p.received->records.empty()) << "no record needs to travel";
  const TracerStats stats = p.provider->stats();
  EXPECT_EQ(stats.processor.spans_queued, 300u);
  EXPECT_EQ(stats.processor.spans_exported, 300u);
}

TEST(EncodedBatchProcessor, SpansTheArenaCannotTakeTravelAsRecords) {
  // 64 spans a thread: a 32 KiB arena, whose entries may take up to 4 KiB. A thread encodes
  // its spans a stage (32) at a time, so these 32 are encoded by the thread that ends them.
  auto p = make_pipeline(
      {.max_queue_size = 64, .max_export_batch_size = 32, .schedule_delay = std::chrono::hours(1)},
      8192);
  Tracer& tracer = p.provider->tracer();
  std::vector<std::string> small;
  for (int i = 0; i < 32; ++i) {
    if (i == 1) {
      end_span(tracer, "unencodable", i, "x");
    } else if (i == 2) {
      end_span(tracer, "large", i, std::string(5000, 'L'));
    } else {
      end_span(tracer, "small", i, "x");
      small.push_back("small#" + std::to_string(i) + "#x");
    }
  }
  EXPECT_EQ(p.provider->stats().processor.spans_queued, 32u);
  ASSERT_TRUE(p.provider->force_flush(10s));
  EXPECT_EQ(p.received->encoded, small);
  EXPECT_EQ(p.received->records, (std::vector<std::string>{"unencodable", "large"}));
  const TracerStats stats = p.provider->stats();
  EXPECT_EQ(stats.processor.spans_exported, 32u);
  EXPECT_EQ(stats.processor.spans_dropped, 0u);
}

// Fewer spans than a stage wait, staged, on their thread; a flush has the export thread encode
// them, after what the thread had already encoded, and in the order they ended.
TEST(EncodedBatchProcessor, StagedSpansAreEncodedAtAFlushAfterTheEncodedOnes) {
  auto p = make_pipeline({.schedule_delay = std::chrono::hours(1)});
  Tracer& tracer = p.provider->tracer();
  std::vector<std::string> expected;
  for (int i = 0; i < 40; ++i) {  // a full stage, then eight staged
    end_span(tracer, i < 32 ? "encoded" : "staged", i, "p");
    expected.push_back((i < 32 ? "encoded#" : "staged#") + std::to_string(i) + "#p");
  }
  end_span(tracer, "unencodable", 40, "p");
  EXPECT_EQ(p.provider->stats().processor.spans_queued, 41u);
  ASSERT_TRUE(p.provider->force_flush(10s));
  EXPECT_EQ(p.received->encoded, expected);
  EXPECT_EQ(p.received->records, (std::vector<std::string>{"unencodable"}));
  EXPECT_EQ(p.provider->stats().processor.spans_exported, 41u);
}

// A set may go as soon as the spans started with it have ended, staged or not: the staged spans
// then take their own copy of its attributes.
TEST(EncodedBatchProcessor, StagedSpansOutliveTheirAttributeSet) {
  auto p = make_pipeline({.schedule_delay = std::chrono::hours(1)});
  const KeyValue shared[] = {{"payload", "from the set"}};
  auto set = AttributeSet::create(shared);
  ASSERT_TRUE(set);
  StartSpanOptions options;
  options.attribute_set = set->get();
  for (int i = 0; i < 3; ++i) {
    Span s = p.provider->tracer().start_span("shared", options);
    s.set_attribute("i", i);
  }
  set->reset();  // under AddressSanitizer, a staged span still pointing at it would be caught
  ASSERT_TRUE(p.provider->force_flush(10s));
  EXPECT_EQ(p.received->encoded,
            (std::vector<std::string>{"shared#0#from the set", "shared#1#from the set",
                                      "shared#2#from the set"}));
}

// A thread that ends fewer spans than a stage and exits leaves them staged. An export of
// another thread's spans in between does not retire its ring (which would lose them); the next
// flush exports them.
TEST(EncodedBatchProcessor, SpansStagedByAThreadThatExitedAreExported) {
  // 64 spans a thread, in a 32 KiB arena: 32 spans of 300 bytes fill more than a quarter of it,
  // which has the export thread drain a partial batch (and retire finished rings) at once.
  auto p = make_pipeline(
      {.max_queue_size = 64, .max_export_batch_size = 64, .schedule_delay = std::chrono::hours(1)});
  std::thread([&] {
    for (int i = 0; i < 5; ++i) end_span(p.provider->tracer(), "gone", i, "p");
  }).join();
  std::thread([&] {
    for (int i = 0; i < 32; ++i) end_span(p.provider->tracer(), "busy", i, std::string(300, 'b'));
  }).join();
  ASSERT_TRUE(p.received->wait_for_calls(1));  // a partial batch went out, without a flush
  ASSERT_TRUE(p.provider->force_flush(10s));
  ASSERT_EQ(p.received->encoded.size(), 37u);
  EXPECT_EQ(p.received->encoded.back(), "gone#4#p");
  EXPECT_EQ(p.provider->stats().processor.spans_exported, 37u);
}

// 64 slots, but a 32 KiB arena holds only about 50 spans of 600 bytes: the arena is the bound.
TEST(EncodedBatchProcessor, FullArenaDropsAndCountsExactly) {
  auto p = make_pipeline(
      {.max_queue_size = 64, .max_export_batch_size = 32, .schedule_delay = std::chrono::hours(1)});
  block_exporter(p);
  const std::string payload(600, 'p');
  for (int i = 0; i < 100; ++i) end_span(p.provider->tracer(), "fill", i, payload);
  const TracerStats blocked = p.provider->stats();
  EXPECT_GT(blocked.processor.spans_dropped, 100u - 64u) << "the arena fills before the slots";
  EXPECT_LT(blocked.processor.spans_dropped, 100u);
  p.received->open_gate();
  ASSERT_TRUE(p.provider->shutdown(10s));
  const TracerStats stats = p.provider->stats();
  EXPECT_EQ(stats.spans_ended, 101u);
  EXPECT_EQ(stats.processor.spans_exported + stats.processor.spans_dropped, 101u);
  EXPECT_EQ(p.received->encoded.size(), stats.processor.spans_exported);
  for (std::size_t k = 1; k < p.received->encoded.size(); ++k) {
    const std::string& e = p.received->encoded[k];
    EXPECT_EQ(e.substr(e.size() - payload.size()), payload);
  }
}

// Small arenas wrap around many times under four producers; whatever is not dropped arrives
// byte for byte, exactly once.
TEST(EncodedBatchProcessor, ConcurrentSpansSurviveArenaWrapAround) {
  auto p =
      make_pipeline({.max_queue_size = 64, .max_export_batch_size = 16, .schedule_delay = 1ms});
  constexpr int kThreads = 4, kSpans = 4000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Tracer& tracer = p.provider->tracer();
      for (int i = 0; i < kSpans; ++i)
        end_span(tracer, "t" + std::to_string(t), i, payload_for(t, i));
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(p.provider->shutdown(30s));
  std::set<std::string> seen;
  std::size_t bytes = 0;
  for (const std::string& e : p.received->encoded) {
    const std::size_t a = e.find('#'), b = e.find('#', a + 1);
    ASSERT_NE(b, std::string::npos) << e;
    const int t = std::stoi(e.substr(1, a - 1)), i = std::stoi(e.substr(a + 1, b - a - 1));
    EXPECT_EQ(e.substr(b + 1), payload_for(t, i)) << "span " << i << " of thread " << t;
    EXPECT_TRUE(seen.insert(e.substr(0, b)).second) << "exported twice: " << e.substr(0, b);
    bytes += e.size();
  }
  const TracerStats stats = p.provider->stats();
  EXPECT_EQ(stats.spans_ended, std::uint64_t{kThreads * kSpans});
  EXPECT_EQ(stats.processor.spans_exported + stats.processor.spans_dropped, stats.spans_ended);
  EXPECT_EQ(seen.size(), stats.processor.spans_exported);
  EXPECT_GT(bytes, 20u * 32u * 1024u) << "the 32 KiB arenas wrapped many times";
}

// 24 spans of 400 KB wait behind a blocked export; once it returns they leave in requests of at
// most 4 MiB (plus the span that crosses it), not in one 9.6 MB request.
TEST(EncodedBatchProcessor, BacklogIsExportedInRequestsOfBoundedSize) {
  auto p =
      make_pipeline({.max_queue_size = 32768, .schedule_delay = std::chrono::hours(1)}, 512 * 1024);
  block_exporter(p);
  const std::string payload(400 * 1000, 'b');
  for (int i = 0; i < 24; ++i) end_span(p.provider->tracer(), "big", i, payload);
  p.received->open_gate();
  ASSERT_TRUE(p.provider->force_flush(10s));
  EXPECT_EQ(p.received->encoded.size(), 25u);
  EXPECT_EQ(p.provider->stats().processor.spans_dropped, 0u);
  const std::size_t largest =
      *std::max_element(p.received->call_bytes.begin(), p.received->call_bytes.end());
  EXPECT_LE(largest, (std::size_t{4} << 20) + 400 * 1000 + 64);
  EXPECT_GE(p.received->call_bytes.size(), 4u);  // the blocker, then at least three requests
}

}  // namespace
}  // namespace argus::trace
