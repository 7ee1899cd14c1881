// setup_tracing: the provider, the sampler chain (parent-based around a reloadable root) and the
// propagators built from TracingSettings.
#include "cli/tracing_setup.h"

#include <gtest/gtest.h>

#include <sstream>

#include "argus/trace/in_memory_exporter.h"

namespace argus::cli {
namespace {

struct Captured {
  std::shared_ptr<trace::InMemoryExporter::Storage> storage;
  TracingSetupOptions options;
};

Captured in_memory() {
  Captured c;
  auto exporter = std::make_shared<std::unique_ptr<trace::InMemoryExporter>>(
      std::make_unique<trace::InMemoryExporter>());
  c.storage = (*exporter)->storage();
  c.options.exporter_override = [exporter]() -> std::unique_ptr<trace::SpanExporter> {
    return std::move(*exporter);
  };
  return c;
}

config::TracingSettings settings(const std::string& provider) {
  config::TracingSettings s;
  s.provider = provider;
  s.batch.schedule_delay = std::chrono::milliseconds(10);
  return s;
}

int sampled_of(trace::TracerProvider& p, int n) {
  int sampled = 0;
  for (int i = 0; i < n; ++i) {
    auto span = p.tracer().start_span("x", {.root = true});
    sampled += span.context().is_sampled() ? 1 : 0;
  }
  return sampled;
}

TEST(TracingSetup, EmptyProviderIsNoop) {
  auto rt = setup_tracing(settings(""));
  ASSERT_TRUE(rt) << rt.error().message;
  EXPECT_EQ((*rt)->root_sampler(), nullptr);
  auto span = (*rt)->provider().tracer().start_span("x");
  EXPECT_FALSE(span.is_recording());
  EXPECT_EQ((*rt)->provider().stats().spans_started, 0u);
}

TEST(TracingSetup, ConsoleProviderPrintsTraces) {
  std::ostringstream out;
  TracingSetupOptions o;
  o.console_out = &out;
  auto s = settings("console");
  s.service_name = "svc-under-test";
  auto rt = setup_tracing(s, o);
  ASSERT_TRUE(rt) << rt.error().message;
  { auto span = (*rt)->provider().tracer().start_span("GET /health/ready"); }
  ASSERT_TRUE((*rt)->provider().force_flush(std::chrono::seconds(5)));
  EXPECT_NE(out.str().find("GET /health/ready"), std::string::npos) << out.str();
  EXPECT_EQ((*rt)->provider().resource().service_name(), "svc-under-test");
}

TEST(TracingSetup, ProviderRatioIsParentBasedAndReloadable) {
  auto c = in_memory();
  auto s = settings("zipkin");
  s.zipkin.sampling_ratio = 0.0;
  s.deployment_environment = "staging";
  auto rt = setup_tracing(s, c.options);
  ASSERT_TRUE(rt) << rt.error().message;
  auto& p = (*rt)->provider();
  EXPECT_EQ(sampled_of(p, 200), 0);
  EXPECT_EQ(p.resource().find("deployment.environment.name"), "staging");
  // A sampled remote parent is followed even at ratio 0.
  trace::SpanContext parent;
  parent.trace_id = trace::IdGenerator::new_trace_id();
  parent.span_id = trace::IdGenerator::new_span_id();
  parent.flags = trace::TraceFlags::kSampled;
  parent.remote = true;
  EXPECT_TRUE(p.tracer().start_span("child", {.parent = &parent}).context().is_sampled());
  // Live change: ratio 1.
  auto next = s;
  next.zipkin.sampling_ratio = 1.0;
  EXPECT_TRUE((*rt)->apply_live(next));
  EXPECT_EQ((*rt)->root_sampler()->generation(), 2u);
  EXPECT_EQ(sampled_of(p, 200), 200);
  EXPECT_FALSE((*rt)->apply_live(next)) << "nothing changed the second time";
  ASSERT_TRUE(p.force_flush(std::chrono::seconds(5)));
  EXPECT_EQ(c.storage->size(), 201u);
}

// Ratio 1 lets the tracer skip the sampler; a live change to 0.5 must bring the call back.
TEST(TracingSetup, ALiveRatioChangeReplacesTheSamplerShortcut) {
  auto c = in_memory();
  auto s = settings("zipkin");
  s.zipkin.sampling_ratio = 1.0;
  auto rt = setup_tracing(s, c.options);
  ASSERT_TRUE(rt) << rt.error().message;
  auto& p = (*rt)->provider();
  EXPECT_EQ(sampled_of(p, 200), 200);
  auto next = s;
  next.zipkin.sampling_ratio = 0.5;
  ASSERT_TRUE((*rt)->apply_live(next));
  // Binomial(2000, 0.5): 800 and 1200 are 9 standard deviations away.
  const int sampled = sampled_of(p, 2000);
  EXPECT_GT(sampled, 800);
  EXPECT_LT(sampled, 1200);
}

TEST(TracingSetup, EachProviderUsesItsOwnRatio) {
  for (const char* provider : {"jaeger", "zipkin", "otel"}) {
    auto s = settings(provider);
    s.jaeger.sampling_trace_id_ratio = std::string(provider) == "jaeger" ? 0.0 : 1.0;
    s.zipkin.sampling_ratio = std::string(provider) == "zipkin" ? 0.0 : 1.0;
    s.otlp.sampling_ratio = std::string(provider) == "otel" ? 0.0 : 1.0;
    EXPECT_EQ(provider_ratio(s), 0.0) << provider;
    auto c = in_memory();
    auto rt = setup_tracing(s, c.options);
    ASSERT_TRUE(rt) << provider << ": " << rt.error().message;
    EXPECT_EQ(sampled_of((*rt)->provider(), 100), 0) << provider;
  }
}

TEST(TracingSetup, RealExportersAreBuiltFromSettings) {
  auto j = settings("jaeger");
  j.jaeger.local_agent_address = "127.0.0.1:6831";
  EXPECT_TRUE(make_exporter(j)) << "jaeger";
  auto z = settings("zipkin");
  EXPECT_TRUE(make_exporter(z)) << "zipkin";
  auto o = settings("otel");
  o.otlp.server_url = "127.0.0.1:4318";
  o.otlp.insecure = true;
  o.otlp.protocol = "http/json";
  o.otlp.compression = "gzip";
  EXPECT_TRUE(make_exporter(o)) << "otel";
  auto bad = settings("datadog");
  auto e = make_exporter(bad);
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().message.find("jaeger, zipkin, otel"), std::string::npos);
}

TEST(TracingSetup, LegacyJaegerSamplerTypes) {
  auto s = settings("jaeger");
  s.jaeger.sampling_type = "const";
  s.jaeger.sampling_value = 0;
  auto c = in_memory();
  auto rt = setup_tracing(s, c.options);
  ASSERT_TRUE(rt) << rt.error().message;
  EXPECT_EQ(sampled_of((*rt)->provider(), 50), 0);
  auto next = s;
  next.jaeger.sampling_value = 1;
  EXPECT_TRUE((*rt)->apply_live(next));
  EXPECT_EQ(sampled_of((*rt)->provider(), 50), 50);
  s.jaeger.sampling_type = "rateLimiting";
  s.jaeger.sampling_value = 2;
  EXPECT_TRUE(make_root_sampler(s));
}

TEST(TracingSetup, PropagatorsFollowTheList) {
  auto s = settings("");
  s.propagators = {"b3", "tracecontext"};
  auto rt = setup_tracing(s);
  ASSERT_TRUE(rt) << rt.error().message;
  s.propagators = {"xray"};
  EXPECT_FALSE(setup_tracing(s));
}

}  // namespace
}  // namespace argus::cli
