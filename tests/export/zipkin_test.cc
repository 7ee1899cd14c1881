// The Zipkin exporter against a scripted collector on loopback; bodies are validated by the
// independent v2 checker and zipkin-js's model (decode_zipkin.js).
#include "argus/trace/export/zipkin.h"

#include <gtest/gtest.h>

#include "export/support.h"

namespace argus::trace {
namespace {
using namespace std::chrono_literals;
using testing::FakeCollector;
using testing::Reply;

std::unique_ptr<zipkin::ZipkinExporter> make(const FakeCollector& c,
                                             std::vector<std::string>* logs) {
  zipkin::ZipkinExporterOptions o;
  o.server_url = c.url("/api/v2/spans");
  o.local_endpoint = {"", "127.0.0.1", "", 4444};
  o.timeout = 2s;
  o.retry = {2, 1ms, 1ms, 5s};
  o.log = [logs](std::string_view l) { logs->emplace_back(l); };
  auto e = zipkin::make_exporter(o);
  EXPECT_TRUE(e) << (e ? "" : e.error().message);
  return std::unique_ptr<zipkin::ZipkinExporter>(
      static_cast<zipkin::ZipkinExporter*>(e->release()));
}

TEST(ZipkinExporter, PostsValidV2JsonAndAccepts202) {
  FakeCollector c;
  c.set_default({Reply::Kind::kRespond, 202});
  std::vector<std::string> logs;
  auto e = make(c, &logs);
  auto set = testing::make_span_set();
  ASSERT_EQ(e->export_spans(set.view()), ExportResult::kSuccess);
  ASSERT_EQ(e->export_spans(set.view()), ExportResult::kSuccess);
  EXPECT_EQ(c.connections(), 1);
  auto req = c.requests().at(0);
  EXPECT_EQ(req.target, "/api/v2/spans");
  EXPECT_EQ(req.headers["content-type"], "application/json");
  std::string file = testing::temp_path("zipkin-http.json");
  testing::write_file(file, req.body);
  auto r = testing::run_node("decode_zipkin.js", {file});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.value.as_array().size(), set.spans.size());
  EXPECT_EQ(e->stats().spans_exported, 2 * set.spans.size());
  EXPECT_TRUE(logs.empty());
}

TEST(ZipkinExporter, FailuresAreCountedAndLoggedOnce) {
  FakeCollector c;
  c.set_default({Reply::Kind::kRespond, 404, "no such endpoint"});
  std::vector<std::string> logs;
  auto e = make(c, &logs);
  auto set = testing::make_span_set();
  EXPECT_EQ(e->export_spans(set.view()), ExportResult::kFailure);
  EXPECT_EQ(e->export_spans(set.view()), ExportResult::kFailure);
  EXPECT_EQ(e->stats().failed_batches, 2u);
  EXPECT_EQ(e->stats().spans_dropped, 2 * set.spans.size());
  EXPECT_EQ(logs.size(), 1u);
  c.set_default({Reply::Kind::kRespond, 202});
  EXPECT_EQ(e->export_spans(set.view()), ExportResult::kSuccess);
}

TEST(ZipkinExporter, RejectsBadUrls) {
  zipkin::ZipkinExporterOptions o;
  o.server_url = "localhost:9411";  // not a URL
  EXPECT_FALSE(zipkin::make_exporter(o).has_value());
  o.server_url = "http://user:pw@localhost:9411/api/v2/spans";
  auto e = zipkin::make_exporter(o);
  ASSERT_FALSE(e.has_value());
  EXPECT_EQ(e.error().message.find("pw"), std::string::npos);  // credentials never echoed
}

}  // namespace
}  // namespace argus::trace
