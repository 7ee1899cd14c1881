// The OTLP/HTTP exporter against a scripted collector on loopback: what it sends (decoded by the
// OpenTelemetry-generated protobuf code), keep-alive, retries, and every fault the issue lists.
#include "argus/trace/export/otlp.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <future>
#include <thread>

#include "argus/trace/trace.h"
#include "export/support.h"

namespace argus::trace {
namespace {
using namespace std::chrono_literals;
using testing::FakeCollector;
using testing::Reply;

struct Logs {
  std::mutex mu;
  std::vector<std::string> lines;
  LogHook hook() {
    return [this](std::string_view l) {
      std::lock_guard lock(mu);
      lines.emplace_back(l);
    };
  }
  std::size_t count(std::string_view needle) {
    std::lock_guard lock(mu);
    std::size_t n = 0;
    for (const auto& l : lines) n += l.find(needle) != std::string::npos;
    return n;
  }
};

otlp::OtlpExporterOptions options_for(const FakeCollector& c, Logs& logs) {
  otlp::OtlpExporterOptions o;
  o.server_url = "127.0.0.1:" + std::to_string(c.port());
  o.insecure = true;
  o.timeout = 2s;
  o.retry = {3, 1ms, 4ms, 10s};
  o.log = logs.hook();
  return o;
}

std::unique_ptr<otlp::OtlpExporter> make(otlp::OtlpExporterOptions o) {
  auto e = otlp::make_exporter(std::move(o));
  EXPECT_TRUE(e.has_value()) << (e ? "" : e.error().message);
  if (!e) return nullptr;
  return std::unique_ptr<otlp::OtlpExporter>(static_cast<otlp::OtlpExporter*>(e->release()));
}

std::string gunzip(const std::string& in) {
  z_stream zs{};
  inflateInit2(&zs, 15 + 16);
  std::string out(in.size() * 20 + 1024, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = inflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  return rc == Z_STREAM_END ? out : "";
}

TEST(OtlpExporter, PostsProtobufWithHeadersAndKeepsTheConnection) {
  FakeCollector c;
  Logs logs;
  auto o = options_for(c, logs);
  o.authorization_header = "Bearer s3cret";
  o.headers = {{"X-Tenant", "acme"}};
  auto e = make(o);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->endpoint(), c.url("/v1/traces"));
  auto set = testing::make_span_set();
  auto spans = set.view();
  for (int i = 0; i < 3; ++i) ASSERT_EQ(e->export_spans(spans), ExportResult::kSuccess);
  auto reqs = c.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(c.connections(), 1);  // keep-alive
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].target, "/v1/traces");
  EXPECT_EQ(reqs[0].headers["content-type"], "application/x-protobuf");
  EXPECT_EQ(reqs[0].headers["authorization"], "Bearer s3cret");
  EXPECT_EQ(reqs[0].headers["x-tenant"], "acme");
  std::string file = testing::temp_path("otlp-http.bin");
  testing::write_file(file, reqs[0].body);
  auto decoded = testing::run_node("decode_otlp.js", {file, "proto"});
  ASSERT_EQ(decoded.error, "");
  EXPECT_EQ(decoded.value.as_array().size(), 2u);
  auto st = e->stats();
  EXPECT_EQ(st.spans_exported, 3 * spans.size());
  EXPECT_EQ(st.failed_batches, 0u);
  EXPECT_EQ(logs.count("s3cret"), 0u);
}

TEST(OtlpExporter, ReconnectsWhenTheCollectorClosedAKeptAliveConnection) {
  FakeCollector c;
  Logs logs;
  auto o = options_for(c, logs);
  o.retry.max_attempts = 1;  // the reconnect is not a retry
  auto e = make(o);
  c.push({Reply::Kind::kRespond, 200});
  c.push({Reply::Kind::kClose});
  c.push({Reply::Kind::kRespond, 200});
  auto set = testing::make_span_set();
  ASSERT_EQ(e->export_spans(set.view()), ExportResult::kSuccess);
  ASSERT_EQ(e->export_spans(set.view()), ExportResult::kSuccess)
      << e->stats().last_error << " requests=" << c.requests().size()
      << " connections=" << c.connections();
  EXPECT_EQ(c.requests().size(), 3u);
  EXPECT_EQ(c.connections(), 2);
  EXPECT_EQ(e->stats().retries, 0u);
}

TEST(OtlpExporter, JsonWithGzipDecodes) {
  FakeCollector c;
  Logs logs;
  auto o = options_for(c, logs);
  o.protocol = "http/json";
  o.compression = "gzip";
  auto e = make(o);
  ASSERT_TRUE(e);
  auto set = testing::make_span_set();
  ASSERT_EQ(e->export_spans(set.view()), ExportResult::kSuccess);
  auto req = c.requests().at(0);
  EXPECT_EQ(req.headers["content-type"], "application/json");
  EXPECT_EQ(req.headers["content-encoding"], "gzip");
  std::string body = gunzip(req.body);
  ASSERT_FALSE(body.empty());
  std::string file = testing::temp_path("otlp-http.json");
  testing::write_file(file, body);
  auto decoded = testing::run_node("decode_otlp.js", {file, "json"});
  ASSERT_EQ(decoded.error, "");
  EXPECT_EQ(decoded.value.as_array().size(), 2u);
}

TEST(OtlpExporter, RetriesRetryableStatusesHonouringRetryAfter) {
  FakeCollector c;
  Logs logs;
  auto o = options_for(c, logs);
  o.retry.max_attempts = 5;
  auto e = make(o);
  c.push({Reply::Kind::kRespond, 503, "", {{"Retry-After", "0"}}});
  c.push({Reply::Kind::kRespond, 429, ""});
  c.push({Reply::Kind::kRespond, 502, ""});
  c.push({Reply::Kind::kRespond, 504, ""});
  auto set = testing::make_span_set();
  ASSERT_EQ(e->export_spans(set.view()), ExportResult::kSuccess);
  EXPECT_EQ(c.requests().size(), 5u);
  auto st = e->stats();
  EXPECT_EQ(st.retries, 4u);
  EXPECT_EQ(st.spans_exported, set.spans.size());
  EXPECT_EQ(st.failed_batches, 0u);
}

TEST(OtlpExporter, RetriesAreBounded) {
  FakeCollector c;
  Logs logs;
  auto e = make(options_for(c, logs));
  c.set_default({Reply::Kind::kRespond, 429, "slow down"});
  auto set = testing::make_span_set();
  for (int i = 0; i < 2; ++i) EXPECT_EQ(e->export_spans(set.view()), ExportResult::kFailure);
  EXPECT_EQ(c.requests().size(), 6u);  // max_attempts = 3, twice
  auto st = e->stats();
  EXPECT_EQ(st.failed_batches, 2u);
  EXPECT_EQ(st.spans_dropped, 2 * set.spans.size());
  EXPECT_NE(st.last_error.find("429"), std::string::npos);
  EXPECT_EQ(logs.count("HTTP 429"), 2u);  // once as "retrying", once as the final failure
}

TEST(OtlpExporter, RetryAfterBeyondTheBudgetGivesUp) {
  FakeCollector c;
  Logs logs;
  auto o = options_for(c, logs);
  o.retry.max_elapsed = 1s;
  auto e = make(o);
  c.set_default({Reply::Kind::kRespond, 503, "", {{"Retry-After", "3600"}}});
  auto set = testing::make_span_set();
  EXPECT_EQ(e->export_spans(set.view()), ExportResult::kFailure);
  EXPECT_EQ(c.requests().size(), 1u);
  EXPECT_NE(e->stats().last_error.find("budget"), std::string::npos);
}

TEST(OtlpExporter, ClientErrorsDropTheBatchAndLogOnce) {
  FakeCollector c;
  Logs logs;
  auto e = make(options_for(c, logs));
  c.set_default({Reply::Kind::kRespond, 400, "bad"});
  auto set = testing::make_span_set();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(e->export_spans(set.view()), ExportResult::kFailure);
  EXPECT_EQ(c.requests().size(), 3u);  // no retries
  EXPECT_EQ(e->stats().failed_batches, 3u);
  EXPECT_EQ(e->stats().spans_dropped, 3 * set.spans.size());
  EXPECT_EQ(logs.count("HTTP 400"), 1u);
}

TEST(OtlpExporter, ServerErrorOtherThanRetryableIsNotRetried) {
  FakeCollector c;
  Logs logs;
  auto e = make(options_for(c, logs));
  c.set_default({Reply::Kind::kRespond, 500, ""});
  auto set = testing::make_span_set();
  EXPECT_EQ(e->export_spans(set.view()), ExportResult::kFailure);
  EXPECT_EQ(c.requests().size(), 1u);
}

TEST(OtlpExporter, RedirectIsNotFollowed) {
  FakeCollector c;
  Logs logs;
  auto e = make(options_for(c, logs));
  c.set_default({Reply::Kind::kRespond, 307, "", {{"Location", "http://127.0.0.1:1/v1/traces"}}});
  auto set = testing::make_span_set();
  EXPECT_EQ(e->export_spans(set.view()), ExportResult::kFailure);
  EXPECT_EQ(c.requests().size(), 1u);
  EXPECT_NE(e->stats().last_error.find("redirect"), std::string::npos);
}

TEST(OtlpExporter, BadResponsesFailCleanly) {
  using K = Reply::Kind;
  for (K kind : {K::kGarbage, K::kTruncated, K::kHuge, K::kClose}) {
    FakeCollector c;
    Logs logs;
    auto o = options_for(c, logs);
    o.retry.max_attempts = 1;
    o.max_response_bytes = 1024;
    auto e = make(o);
    c.set_default({kind});
    auto set = testing::make_span_set();
    EXPECT_EQ(e->export_spans(set.view()), ExportResult::kFailure) << static_cast<int>(kind);
    EXPECT_EQ(e->stats().failed_batches, 1u);
    EXPECT_FALSE(e->stats().last_error.empty());
    // The next batch gets a fresh connection and succeeds.
    c.set_default({K::kRespond, 200});
    EXPECT_EQ(e->export_spans(set.view()), ExportResult::kSuccess) << static_cast<int>(kind);
  }
}

TEST(OtlpExporter, SlowCollectorWithinTimeoutSucceeds) {
  FakeCollector c;
  Logs logs;
  auto e = make(options_for(c, logs));
  c.set_default({Reply::Kind::kRespond, 200, "", {}, 100ms});
  auto set = testing::make_span_set();
  EXPECT_EQ(e->export_spans(set.view()), ExportResult::kSuccess);
}

TEST(OtlpExporter, BlackHoleTimesOut) {
  FakeCollector c;
  Logs logs;
  auto o = options_for(c, logs);
  o.timeout = 200ms;
  o.retry.max_attempts = 2;
  auto e = make(o);
  c.set_default({Reply::Kind::kBlackHole});
  auto set = testing::make_span_set();
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(e->export_spans(set.view()), ExportResult::kFailure);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);  // bounded, not hung
  EXPECT_EQ(c.requests().size(), 2u);
  EXPECT_NE(e->stats().last_error.find("timeout"), std::string::npos) << e->stats().last_error;
  EXPECT_EQ(e->stats().failed_batches, 1u);
}

TEST(OtlpExporter, ShutdownInterruptsAnExportStuckOnABlackHole) {
  FakeCollector c;
  Logs logs;
  auto o = options_for(c, logs);
  o.timeout = 60s;
  auto e = make(o);
  c.set_default({Reply::Kind::kBlackHole});
  auto set = testing::make_span_set();
  auto spans = set.view();
  auto result = std::async(std::launch::async, [&] { return e->export_spans(spans); });
  ASSERT_TRUE(c.wait_requests(1, 10s));  // the request is in flight
  e->shutdown(1s);
  ASSERT_EQ(result.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(result.get(), ExportResult::kFailure);
  EXPECT_EQ(e->export_spans(spans), ExportResult::kFailure);  // stays shut down
}

TEST(OtlpExporter, CollectorDownThenBackResumes) {
  std::uint16_t port;
  {
    FakeCollector probe;
    port = probe.port();
  }  // nothing listens on `port` now
  Logs logs;
  otlp::OtlpExporterOptions o;
  o.server_url = "127.0.0.1:" + std::to_string(port);
  o.insecure = true;
  o.timeout = 1s;
  o.retry = {2, 1ms, 1ms, 5s};
  o.log = logs.hook();
  auto e = make(o);
  auto set = testing::make_span_set();
  EXPECT_EQ(e->export_spans(set.view()), ExportResult::kFailure);
  EXPECT_EQ(e->stats().spans_dropped, set.spans.size());
  EXPECT_EQ(logs.count("connect"), 2u);  // "retrying" note + final failure, not per attempt
  FakeCollector back(port);
  EXPECT_EQ(e->export_spans(set.view()), ExportResult::kSuccess);
  EXPECT_EQ(e->stats().spans_exported, set.spans.size());
}

// Behind the batch processor the protobuf exporter encodes each span on the thread that ends it.
// What reaches the collector must still be one valid request: spans grouped under their scopes,
// with their attributes, events, links, status and parents, as the generated decoder reads them.
TEST(OtlpExporter, SpansEncodedAsTheyEndDecodeBehindTheBatchProcessor) {
  FakeCollector c;
  Logs logs;
  auto exporter = make(options_for(c, logs));
  ASSERT_TRUE(exporter);
  ASSERT_NE(exporter->encoder(), nullptr);
  TracerProviderOptions o;
  o.resource.service_name = "encoded";
  o.processor = std::move(
      *BatchSpanProcessor::create(std::move(exporter), {.schedule_delay = std::chrono::hours(1)}));
  auto provider = std::move(*TracerProvider::create(std::move(o)));
  {
    Span request = provider->tracer("argus.http").start_span("GET /x", {.kind = SpanKind::kServer});
    request.set_attribute("http.status_code", std::int64_t{503});
    request.set_status(StatusCode::kError, "unavailable");
    const SpanContext parent = request.context();
    Span query = provider->tracer("argus.sql").start_span("SELECT t", {.parent = &parent});
    query.set_attribute("db.statement", "SELECT a FROM t WHERE id = ?");
    const KeyValue event_attrs[] = {{"attempt", std::int64_t{2}}};
    query.add_event("retry", event_attrs);
    query.add_link(parent);
  }
  ASSERT_TRUE(provider->force_flush(10s));
  auto reqs = c.requests();
  ASSERT_EQ(reqs.size(), 1u);
  std::string file = testing::temp_path("otlp-encoded.bin");
  testing::write_file(file, reqs[0].body);
  auto decoded = testing::run_node("decode_otlp.js", {file, "proto"});
  ASSERT_EQ(decoded.error, "");
  const auto& resources = decoded.value.as_array();
  ASSERT_EQ(resources.size(), 1u);
  const auto& resource = resources[0].as_object();
  EXPECT_EQ(resource.at("resource").at("service.name").at("value"), "encoded");
  const auto& scopes = resource.at("scopeSpans").as_array();
  ASSERT_EQ(scopes.size(), 2u);
  const auto& sql = scopes[0].at("spans").as_array();  // the query ended first
  const auto& http = scopes[1].at("spans").as_array();
  EXPECT_EQ(scopes[0].at("scope").at("name"), "argus.sql");
  EXPECT_EQ(scopes[1].at("scope").at("name"), "argus.http");
  ASSERT_EQ(sql.size(), 1u);
  ASSERT_EQ(http.size(), 1u);
  EXPECT_EQ(http[0].at("name"), "GET /x");
  EXPECT_EQ(http[0].at("status").at("message"), "unavailable");
  EXPECT_EQ(http[0].at("attributes").at("http.status_code").at("value"), "503");
  EXPECT_EQ(sql[0].at("name"), "SELECT t");
  EXPECT_EQ(sql[0].at("parentSpanId"), http[0].at("spanId"));
  EXPECT_EQ(sql[0].at("traceId"), http[0].at("traceId"));
  EXPECT_EQ(sql[0].at("attributes").at("db.statement").at("value"), "SELECT a FROM t WHERE id = ?");
  EXPECT_EQ(sql[0].at("events").as_array().size(), 1u);
  EXPECT_EQ(sql[0].at("links").as_array().size(), 1u);
  EXPECT_EQ(provider->stats().processor.spans_exported, 2u);
}

TEST(OtlpExporter, InvalidOptionsAreErrors) {
  otlp::OtlpExporterOptions o;
  o.protocol = "grpc";
  EXPECT_FALSE(otlp::make_exporter(o).has_value());
  o = {};
  o.compression = "brotli";
  EXPECT_FALSE(otlp::make_exporter(o).has_value());
  o = {};
  o.server_url = "ftp://x";
  EXPECT_FALSE(otlp::make_exporter(o).has_value());
  o = {};
  o.server_url = "host:notaport";
  EXPECT_FALSE(otlp::make_exporter(o).has_value());
  o = {};
  o.authorization_header = "a\r\nInjected: 1";
  EXPECT_FALSE(otlp::make_exporter(o).has_value());
}

TEST(OtlpExporter, OryHostPortFormAndFullUrls) {
  otlp::OtlpExporterOptions o;
  o.server_url = "collector:4318";
  auto e = otlp::make_exporter(o);
  ASSERT_TRUE(e);
  EXPECT_EQ(static_cast<otlp::OtlpExporter&>(**e).endpoint(), "https://collector:4318/v1/traces");
  o.insecure = true;
  e = otlp::make_exporter(o);
  EXPECT_EQ(static_cast<otlp::OtlpExporter&>(**e).endpoint(), "http://collector:4318/v1/traces");
  o.server_url = "https://otel.example.com/base/";
  e = otlp::make_exporter(o);
  EXPECT_EQ(static_cast<otlp::OtlpExporter&>(**e).endpoint(),
            "https://otel.example.com:443/base/v1/traces");
}

TEST(OtlpEnvironment, StandardVariablesApply) {
  std::map<std::string, std::string> env = {
      {"OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel:4318"},
      {"OTEL_EXPORTER_OTLP_HEADERS", "api-key=abc%20def, Authorization=Bearer%20t"},
      {"OTEL_EXPORTER_OTLP_COMPRESSION", "gzip"},
      {"OTEL_EXPORTER_OTLP_TIMEOUT", "2500"},
  };
  auto get = [&](const char* n) -> const char* {
    auto it = env.find(n);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  auto o = otlp::apply_environment({}, get);
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->server_url, "http://otel:4318");
  EXPECT_EQ(o->compression, "gzip");
  EXPECT_EQ(o->timeout, 2500ms);
  ASSERT_EQ(o->headers.size(), 1u);
  EXPECT_EQ(o->headers[0].second, "abc def");
  EXPECT_EQ(o->authorization_header, "Bearer t");
  auto e = otlp::make_exporter(*o);
  ASSERT_TRUE(e);
  EXPECT_EQ(static_cast<otlp::OtlpExporter&>(**e).endpoint(), "http://otel:4318/v1/traces");

  env["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = "http://traces:9999/custom";
  o = otlp::apply_environment({}, get);
  e = otlp::make_exporter(*o);
  EXPECT_EQ(static_cast<otlp::OtlpExporter&>(**e).endpoint(), "http://traces:9999/custom");

  env["OTEL_EXPORTER_OTLP_TIMEOUT"] = "-5";
  EXPECT_FALSE(otlp::apply_environment({}, get).has_value());
  env["OTEL_EXPORTER_OTLP_TIMEOUT"] = "100";
  env["OTEL_EXPORTER_OTLP_COMPRESSION"] = "zstd";
  EXPECT_FALSE(otlp::apply_environment({}, get).has_value());
}

}  // namespace
}  // namespace argus::trace
