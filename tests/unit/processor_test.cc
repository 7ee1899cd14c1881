#include <argus/trace/trace.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

namespace argus::trace {
namespace {

using namespace std::chrono_literals;

// An exporter that blocks inside export_spans until the test opens the gate.
class GatedExporter final : public SpanExporter {
 public:
  struct Gate {
    std::mutex mutex;
    std::condition_variable cv;
    bool open = false;
    int calls = 0;
    std::size_t spans = 0;
    void release() {
      std::lock_guard l(mutex);
      open = true;
      cv.notify_all();
    }
    bool wait_for_call(std::chrono::milliseconds timeout) {
      std::unique_lock l(mutex);
      return cv.wait_for(l, timeout, [&] { return calls > 0; });
    }
  };
  explicit GatedExporter(std::shared_ptr<Gate> gate) : gate_(std::move(gate)) {}
  ExportResult export_spans(std::span<const SpanData* const> spans) noexcept override {
    std::unique_lock l(gate_->mutex);
    ++gate_->calls;
    gate_->spans += spans.size();
    gate_->cv.notify_all();
    gate_->cv.wait(l, [&] { return gate_->open; });
    return ExportResult::kSuccess;
  }

 private:
  std::shared_ptr<Gate> gate_;
};

struct Pipeline {
  std::shared_ptr<InMemoryExporter::Storage> spans;
  std::unique_ptr<TracerProvider> provider;
};

Pipeline make_batch_pipeline(BatchSpanProcessorOptions options) {
  auto exporter = std::make_unique<InMemoryExporter>();
  Pipeline p;
  p.spans = exporter->storage();
  TracerProviderOptions o;
  o.processor = std::move(*BatchSpanProcessor::create(std::move(exporter), options));
  p.provider = std::move(*TracerProvider::create(std::move(o)));
  return p;
}

// Queues of 16 spans per thread, batches of 8; returns once the export thread holds a first
// batch of 8 inside the gated exporter, blocked until the gate opens.
std::unique_ptr<TracerProvider> make_blocked_pipeline(std::shared_ptr<GatedExporter::Gate> gate) {
  TracerProviderOptions o;
  o.processor = std::move(*BatchSpanProcessor::create(
      std::make_unique<GatedExporter>(gate),
      {.max_queue_size = 16, .max_export_batch_size = 8, .schedule_delay = std::chrono::hours(1)}));
  auto provider = std::move(*TracerProvider::create(std::move(o)));
  for (int i = 0; i < 8; ++i) provider->tracer().start_span("first-batch");
  EXPECT_TRUE(gate->wait_for_call(10s));
  return provider;
}

TEST(BatchProcessor, RejectsInvalidOptions) {
  auto make = [](BatchSpanProcessorOptions o) {
    return BatchSpanProcessor::create(std::make_unique<InMemoryExporter>(), o);
  };
  EXPECT_FALSE(make({.max_queue_size = 0}));
  EXPECT_FALSE(make({.max_queue_size = 10, .max_export_batch_size = 20}));
  EXPECT_FALSE(make({.max_export_batch_size = 0}));
  EXPECT_FALSE(make({.schedule_delay = 0ms}));
  auto missing = BatchSpanProcessor::create(nullptr);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("exporter"), std::string::npos);
  EXPECT_TRUE(make({}));
}

TEST(BatchProcessor, ForceFlushExportsEverythingQueuedBelowCapacity) {
  auto p = make_batch_pipeline({.schedule_delay = std::chrono::hours(1)});
  for (int i = 0; i < 1500; ++i) p.provider->tracer().start_span("s");
  ASSERT_TRUE(p.provider->force_flush(10s));
  EXPECT_EQ(p.spans->size(), 1500u);
  const TracerStats stats = p.provider->stats();
  EXPECT_EQ(stats.processor.spans_exported, 1500u);
  EXPECT_EQ(stats.processor.spans_dropped, 0u);
}

TEST(BatchProcessor, ScheduledExportHappensWithoutFlush) {
  auto p = make_batch_pipeline({.schedule_delay = 20ms});
  { Span s = p.provider->tracer().start_span("timer"); }
  EXPECT_TRUE(p.spans->wait_for(1, 10s));
}

TEST(BatchProcessor, FullQueueDropsAndCountsExactly) {
  auto gate = std::make_shared<GatedExporter::Gate>();
  auto provider = make_blocked_pipeline(gate);
  for (int i = 0; i < 92; ++i) provider->tracer().start_span("more");
  gate->release();
  ASSERT_TRUE(provider->shutdown(10s));
  const TracerStats stats = provider->stats();
  EXPECT_EQ(stats.spans_ended, 100u);
  EXPECT_EQ(stats.processor.spans_exported + stats.processor.spans_dropped, 100u);
  EXPECT_LE(stats.processor.spans_exported, 24u);  // at most the queue plus the blocked batch
  EXPECT_GE(stats.processor.spans_dropped, 76u);
  EXPECT_EQ(gate->spans, stats.processor.spans_exported);
}

TEST(BatchProcessor, ShutdownReturnsWithinItsTimeoutWhenTheExporterHangs) {
  auto gate = std::make_shared<GatedExporter::Gate>();
  auto processor = std::move(*BatchSpanProcessor::create(
      std::make_unique<GatedExporter>(gate), {.schedule_delay = std::chrono::hours(1)}));
  TracerProviderOptions o;
  o.processor = std::move(processor);
  auto provider = std::move(*TracerProvider::create(std::move(o)));
  provider->tracer().start_span("stuck");
  EXPECT_FALSE(provider->force_flush(1ms));  // starts an export that cannot finish
  ASSERT_TRUE(gate->wait_for_call(10s));     // the export thread is now stuck inside the exporter
  EXPECT_FALSE(provider->shutdown(50ms));    // gave up on the hung exporter instead of hanging
  provider.reset();  // the stuck thread still holds a record: the provider must stay valid
  gate->release();   // the abandoned thread finishes on its own, reading that record safely
}

TEST(BatchProcessor, SpansEndedAfterShutdownAreDroppedAndCounted) {
  auto p = make_batch_pipeline({});
  Tracer& tracer = p.provider->tracer();
  Span late = tracer.start_span("late");
  ASSERT_TRUE(p.provider->shutdown(5s));
  late.end();
  const TracerStats stats = p.provider->stats();
  EXPECT_EQ(stats.processor.spans_dropped, 1u);
  EXPECT_EQ(p.spans->size(), 0u);
}

TEST(BatchProcessor, ConcurrentEndingLosesNothingBelowCapacity) {
  auto p = make_batch_pipeline({.max_queue_size = 32768, .schedule_delay = 5ms});
  constexpr int kThreads = 4, kSpans = 5000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kSpans; ++i) {
        Span s = p.provider->tracer().start_span("concurrent");
        s.set_attribute("i", i);
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(p.provider->shutdown(30s));
  auto spans = p.spans->spans();
  std::set<std::uint64_t> ids;
  for (const auto& s : spans) ids.insert(s.context.span_id.value());
  EXPECT_EQ(spans.size(), std::size_t{kThreads * kSpans});
  EXPECT_EQ(ids.size(), std::size_t{kThreads * kSpans});
  const TracerStats stats = p.provider->stats();
  EXPECT_EQ(stats.spans_ended, stats.processor.spans_exported + stats.processor.spans_dropped);
  EXPECT_EQ(stats.processor.spans_dropped, 0u);
}

// The bound is per producing thread: each thread's ring holds max_queue_size spans.
TEST(BatchProcessor, EachThreadHasItsOwnBoundedRing) {
  auto gate = std::make_shared<GatedExporter::Gate>();
  auto provider = make_blocked_pipeline(gate);
  std::thread fills([&] {
    for (int i = 0; i < 16; ++i) provider->tracer().start_span("fills");
  });
  fills.join();
  std::thread overflows([&] {
    for (int i = 0; i < 20; ++i) provider->tracer().start_span("overflows");
  });
  overflows.join();
  EXPECT_EQ(provider->stats().processor.spans_dropped, 4u);
  gate->release();
  ASSERT_TRUE(provider->shutdown(10s));
  const TracerStats stats = provider->stats();
  EXPECT_EQ(stats.processor.spans_exported, 8u + 16u + 16u);
  EXPECT_EQ(stats.processor.spans_queued, 40u);
  EXPECT_EQ(gate->spans, 40u);
}

// Threads that end spans and exit (a thread pool shrinking) lose nothing, and the rings they
// leave behind are retired without losing the count of what passed through them.
TEST(BatchProcessor, SpansOfExitedThreadsAreExportedAndCounted) {
  auto p = make_batch_pipeline({.schedule_delay = std::chrono::hours(1)});
  constexpr int kThreads = 40, kSpans = 10;
  for (int t = 0; t < kThreads; ++t) {
    std::thread([&] {
      for (int i = 0; i < kSpans; ++i) p.provider->tracer().start_span("short-lived");
    }).join();
    if (t % 10 == 9) {
      ASSERT_TRUE(p.provider->force_flush(10s));  // retires finished rings
    }
  }
  ASSERT_TRUE(p.provider->force_flush(10s));
  EXPECT_EQ(p.spans->size(), std::size_t{kThreads * kSpans});
  const TracerStats stats = p.provider->stats();
  EXPECT_EQ(stats.processor.spans_queued, std::uint64_t{kThreads * kSpans});
  EXPECT_EQ(stats.processor.spans_exported, std::uint64_t{kThreads * kSpans});
  EXPECT_EQ(stats.processor.spans_dropped, 0u);
}

// Full batches go out without waiting for the schedule, both while the export thread polls (a
// fast stream) and after it has gone back to sleeping until a producer wakes it. A last
// partial batch waits for the schedule or a flush, as OpenTelemetry's batch processor does.
TEST(BatchProcessor, FullBatchesAreExportedWithoutTheTimerBeforeAndAfterAStream) {
  auto p = make_batch_pipeline({.max_queue_size = 65536,
                                .max_export_batch_size = 512,
                                .schedule_delay = std::chrono::hours(1)});
  Tracer& tracer = p.provider->tracer();
  for (int i = 0; i < 512; ++i) tracer.start_span("first");
  ASSERT_TRUE(p.spans->wait_for(512, 10s));
  for (int i = 0; i < 20 * 512; ++i) tracer.start_span("stream");
  ASSERT_EQ(p.provider->stats().processor.spans_dropped, 0u) << "the ring holds the stream";
  ASSERT_TRUE(p.spans->wait_for(21 * 512 - 511, 10s));
  // Idle long enough for the exporter to stop polling, then one more batch.
  const auto idle_until = std::chrono::steady_clock::now() + 20ms;
  while (std::chrono::steady_clock::now() < idle_until) {
  }
  for (int i = 0; i < 512; ++i) tracer.start_span("after");
  ASSERT_TRUE(p.spans->wait_for(22 * 512 - 511, 10s));
  ASSERT_TRUE(p.provider->force_flush(10s));  // the partial batch, without waiting an hour
  EXPECT_EQ(p.spans->size(), 22u * 512u);
  EXPECT_EQ(p.provider->stats().processor.spans_dropped, 0u);
}

TEST(BatchProcessor, FailedExportsAreCounted) {
  class Failing final : public SpanExporter {
   public:
    ExportResult export_spans(std::span<const SpanData* const>) noexcept override {
      return ExportResult::kFailure;
    }
  };
  TracerProviderOptions o;
  o.processor = std::move(*BatchSpanProcessor::create(std::make_unique<Failing>()));
  auto provider = std::move(*TracerProvider::create(std::move(o)));
  for (int i = 0; i < 3; ++i) provider->tracer().start_span("x");
  ASSERT_TRUE(provider->force_flush(5s));
  const TracerStats stats = provider->stats();
  EXPECT_EQ(stats.processor.spans_failed, 3u);
  EXPECT_GE(stats.processor.export_failures, 1u);
  EXPECT_EQ(stats.processor.spans_exported, 0u);
}

TEST(FanOutExporter, SendsEveryBatchToEachExporter) {
  auto a = std::make_unique<InMemoryExporter>();
  auto b = std::make_unique<InMemoryExporter>();
  auto sa = a->storage();
  auto sb = b->storage();
  std::vector<std::unique_ptr<SpanExporter>> both;
  both.push_back(std::move(a));
  both.push_back(std::move(b));
  TracerProviderOptions o;
  o.processor =
      std::make_unique<SimpleSpanProcessor>(std::make_unique<FanOutExporter>(std::move(both)));
  auto provider = std::move(*TracerProvider::create(std::move(o)));
  provider->tracer().start_span("x");
  EXPECT_EQ(sa->size(), 1u);
  EXPECT_EQ(sb->size(), 1u);
}

}  // namespace
}  // namespace argus::trace
