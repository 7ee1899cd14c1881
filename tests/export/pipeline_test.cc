// Exporters behind the core's BatchSpanProcessor, as the service runs them: a dead or
// black-holed collector never blocks ending spans (the queue bounds memory and counts drops),
// shutdown returns within its budget, and export resumes by itself when the collector is back.
#include <gtest/gtest.h>

#include <future>

#include "argus/trace/export/otlp.h"
#include "argus/trace/export/zipkin.h"
#include "argus/trace/processor.h"
#include "argus/trace/tracer.h"
#include "export/support.h"

namespace argus::trace {
namespace {
using namespace std::chrono_literals;
using testing::FakeCollector;
using testing::Reply;

struct Pipeline {
  SpanExporter* exporter = nullptr;  // owned by the processor
  BatchSpanProcessor* processor = nullptr;
  std::unique_ptr<TracerProvider> provider;
};

Pipeline make_pipeline(std::unique_ptr<SpanExporter> exporter, std::uint32_t queue) {
  Pipeline p;
  p.exporter = exporter.get();
  BatchSpanProcessorOptions bo;
  bo.max_queue_size = queue;
  bo.max_export_batch_size = 16;
  bo.schedule_delay = 20ms;
  bo.export_timeout = 1s;
  auto proc = BatchSpanProcessor::create(std::move(exporter), bo);
  EXPECT_TRUE(proc);
  p.processor = proc->get();
  TracerProviderOptions o;
  o.resource.service_name = "pipeline";
  o.processor = std::move(*proc);
  auto provider = TracerProvider::create(std::move(o));
  EXPECT_TRUE(provider);
  p.provider = std::move(*provider);
  return p;
}

otlp::OtlpExporterOptions otlp_to(const FakeCollector& c) {
  otlp::OtlpExporterOptions o;
  o.server_url = "127.0.0.1:" + std::to_string(c.port());
  o.insecure = true;
  o.timeout = 300ms;
  o.retry = {1, 1ms, 1ms, 1s};
  o.log = [](std::string_view) {};
  return o;
}

TEST(ExportPipeline, BlackHoledCollectorNeverBlocksEndingSpans) {
  FakeCollector c;
  c.set_default({Reply::Kind::kBlackHole});
  auto p = make_pipeline(*otlp::make_exporter(otlp_to(c)), 64);
  auto& tracer = p.provider->tracer("test");
  constexpr int kSpans = 5000;
  for (int i = 0; i < kSpans; ++i) tracer.start_span("request").end();
  auto st = p.provider->stats();
  EXPECT_EQ(st.spans_ended, static_cast<std::uint64_t>(kSpans));
  EXPECT_EQ(st.processor.spans_queued + st.processor.spans_dropped,
            static_cast<std::uint64_t>(kSpans));
  EXPECT_GT(st.processor.spans_dropped, 0u);  // the queue (64) bounds what waits in memory
  // Each queued batch fails after the 300 ms request timeout, so shutdown gets through the
  // bounded queue instead of hanging on the collector.
  auto done = std::async(std::launch::async, [&] { return p.provider->shutdown(20s); });
  ASSERT_EQ(done.wait_for(30s), std::future_status::ready);
  EXPECT_TRUE(done.get());
  auto* exporter = static_cast<otlp::OtlpExporter*>(p.exporter);
  EXPECT_GT(exporter->stats().failed_batches, 0u);
  EXPECT_NE(exporter->stats().last_error.find("timeout"), std::string::npos);
}

TEST(ExportPipeline, ExportResumesWhenTheCollectorRecovers) {
  FakeCollector c;
  c.set_default({Reply::Kind::kRespond, 503});
  auto p = make_pipeline(*otlp::make_exporter(otlp_to(c)), 256);
  auto* exporter = static_cast<otlp::OtlpExporter*>(p.exporter);
  auto& tracer = p.provider->tracer("test");
  for (int i = 0; i < 10; ++i) tracer.start_span("while-down").end();
  ASSERT_TRUE(p.provider->force_flush(10s));
  EXPECT_EQ(exporter->stats().spans_dropped, 10u);
  EXPECT_GE(exporter->stats().failed_batches, 1u);
  c.set_default({Reply::Kind::kRespond, 200});
  for (int i = 0; i < 10; ++i) tracer.start_span("after-recovery").end();
  ASSERT_TRUE(p.provider->force_flush(10s));
  EXPECT_EQ(exporter->stats().spans_exported, 10u);
  EXPECT_TRUE(p.provider->shutdown(5s));
}

TEST(ExportPipeline, ZipkinCollectorDownThenUp) {
  std::uint16_t port;
  {
    FakeCollector probe;
    port = probe.port();
  }
  zipkin::ZipkinExporterOptions o;
  o.server_url = "http://127.0.0.1:" + std::to_string(port) + "/api/v2/spans";
  o.timeout = 300ms;
  o.retry = {1, 1ms, 1ms, 1s};
  o.log = [](std::string_view) {};
  auto p = make_pipeline(*zipkin::make_exporter(o), 256);
  auto* exporter = static_cast<zipkin::ZipkinExporter*>(p.exporter);
  auto& tracer = p.provider->tracer("test");
  for (int i = 0; i < 5; ++i) tracer.start_span("down").end();
  ASSERT_TRUE(p.provider->force_flush(10s));
  EXPECT_EQ(exporter->stats().spans_dropped, 5u);
  FakeCollector back(port);
  back.set_default({Reply::Kind::kRespond, 202});
  for (int i = 0; i < 5; ++i) tracer.start_span("up").end();
  ASSERT_TRUE(p.provider->force_flush(10s));
  EXPECT_EQ(exporter->stats().spans_exported, 5u);
  ASSERT_TRUE(back.wait_requests(1, 10s));
  EXPECT_NE(back.requests()[0].body.find("\"name\":\"up\""), std::string::npos);
  EXPECT_TRUE(p.provider->shutdown(5s));
}

}  // namespace
}  // namespace argus::trace
