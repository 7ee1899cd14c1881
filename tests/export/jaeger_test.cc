// The Jaeger agent exporter against a real UDP socket on loopback; datagrams are decoded by Apache
// Thrift's compact protocol with the jaeger-idl (decode_jaeger.js).
#include "argus/trace/export/jaeger.h"

#include <gtest/gtest.h>

#include "export/support.h"

namespace argus::trace {
namespace {
using namespace std::chrono_literals;
namespace json = boost::json;

std::unique_ptr<jaeger::JaegerExporter> make(std::uint16_t port, std::size_t max_bytes = 65000) {
  jaeger::JaegerExporterOptions o;
  o.local_agent_address = "127.0.0.1:" + std::to_string(port);
  o.tags = {{"region", "eu"}};
  o.max_datagram_bytes = max_bytes;
  o.log = [](std::string_view) {};
  auto e = jaeger::make_exporter(o);
  EXPECT_TRUE(e) << (e ? "" : e.error().message);
  return std::unique_ptr<jaeger::JaegerExporter>(
      static_cast<jaeger::JaegerExporter*>(e->release()));
}

json::value decode(const std::vector<std::string>& datagrams) {
  std::vector<std::string> files;
  for (std::size_t i = 0; i < datagrams.size(); ++i) {
    files.push_back(testing::temp_path("dgram-" + std::to_string(i)));
    testing::write_file(files.back(), datagrams[i]);
  }
  auto r = testing::run_node("decode_jaeger.js", files);
  EXPECT_EQ(r.error, "");
  return r.value;
}

std::string tag(const json::value& tags, std::string_view key) {
  for (const auto& t : tags.as_array()) {
    if (t.at("key").as_string() == key) {
      return std::string(t.as_object().contains("vStr") ? t.at("vStr").as_string() : "?");
    }
  }
  return "<missing>";
}

TEST(JaegerExporter, SendsEmitBatchPerResourceOverUdp) {
  testing::UdpReceiver agent;
  auto e = make(agent.port());
  auto set = testing::make_span_set();
  ASSERT_EQ(e->export_spans(set.view()), ExportResult::kSuccess);
  // Spans 0-2 share a resource, span 3 has another, span 4 the first again: three runs.
  auto got = agent.receive(3, 10s);
  ASSERT_EQ(got.size(), 3u);
  auto doc = decode(got);
  ASSERT_TRUE(doc.is_array());
  const auto& b0 = doc.as_array()[0].at("args").at("batch");
  EXPECT_EQ(b0.at("process").at("serviceName").as_string(), "Argus-Test");
  const auto& ptags = b0.at("process").at("tags");
  EXPECT_EQ(tag(ptags, "hostname").empty(), false);
  EXPECT_NE(tag(ptags, "ip"), "<missing>");
  EXPECT_EQ(tag(ptags, "client-uuid").size(), 36u);
  EXPECT_EQ(tag(ptags, "argus.version"), "0.1.0");
  EXPECT_EQ(tag(ptags, "region"), "eu");
  EXPECT_EQ(b0.at("spans").as_array().size(), 3u);
  const auto& b1 = doc.as_array()[1].at("args").at("batch");
  EXPECT_EQ(b1.at("process").at("serviceName").as_string(), "other-svc");
  EXPECT_EQ(e->stats().spans_exported, set.spans.size());
}

TEST(JaegerExporter, SplitsBatchesBelowTheDatagramLimit) {
  testing::UdpReceiver agent;
  const std::size_t limit = 4096;
  auto e = make(agent.port(), limit);
  testing::SpanSet set;
  set.resource = Resource::create({"svc", "", "", "h", {}});
  for (int i = 0; i < 200; ++i) {
    auto& s = set.add("op-" + std::to_string(i));
    s.context.span_id = SpanId(static_cast<std::uint64_t>(i + 1));
    testing::fill_nominal(s);
  }
  ASSERT_EQ(e->export_spans(set.view()), ExportResult::kSuccess);
  auto got = agent.drain();
  ASSERT_GT(got.size(), 5u);
  std::size_t spans = 0;
  for (const auto& d : got) EXPECT_LE(d.size(), limit);
  auto doc = decode(got);
  for (const auto& m : doc.as_array())
    spans += m.at("args").at("batch").at("spans").as_array().size();
  EXPECT_EQ(spans, 200u);
  EXPECT_EQ(e->stats().spans_exported, 200u);
  EXPECT_EQ(e->stats().spans_truncated, 0u);
}

TEST(JaegerExporter, OversizedSpanIsTruncatedNotLost) {
  testing::UdpReceiver agent;
  const std::size_t limit = 2048;
  auto e = make(agent.port(), limit);
  testing::SpanSet set;
  set.resource = Resource::create({"svc", "", "", "h", {}});
  auto& s = set.add("huge");
  std::string big(4000, 'x');
  s.attributes.set("big", big, testing::test_limits(), 128);
  auto& name_too = set.add(std::string(5000, 'n'));
  name_too.context.span_id = SpanId(77);
  ASSERT_EQ(e->export_spans(set.view()), ExportResult::kSuccess);
  auto got = agent.receive(2, 10s);
  ASSERT_EQ(got.size(), 2u);
  auto doc = decode(got);
  const auto& span = doc.as_array()[0].at("args").at("batch").at("spans").as_array()[0];
  EXPECT_EQ(span.at("operationName").as_string(), "huge");
  EXPECT_FALSE(span.as_object().contains("tags"));
  const auto& span2 = doc.as_array()[1].at("args").at("batch").at("spans").as_array()[0];
  EXPECT_LT(span2.at("operationName").as_string().size(), 2048u);
  EXPECT_EQ(e->stats().spans_truncated, 2u);
  EXPECT_EQ(e->stats().spans_exported, 2u);
}

TEST(JaegerExporter, AgentDownIsCountedNotFatal) {
  std::uint16_t port;
  {
    testing::UdpReceiver gone;
    port = gone.port();
  }
  auto e = make(port);
  auto set = testing::make_span_set();
  // Loopback reports the closed port (ICMP) on a later send: some batch must fail and count.
  std::uint64_t failures = 0;
  for (int i = 0; i < 5; ++i) failures += e->export_spans(set.view()) == ExportResult::kFailure;
  EXPECT_GT(failures, 0u);
  auto st = e->stats();
  EXPECT_EQ(st.failed_batches, failures);
  EXPECT_EQ(st.spans_exported + st.spans_dropped, 5 * set.spans.size());
  EXPECT_NE(st.last_error.find("refused"), std::string::npos) << st.last_error;
}

TEST(JaegerExporter, InvalidAddressIsAnError) {
  jaeger::JaegerExporterOptions o;
  o.local_agent_address = "no-port";
  EXPECT_FALSE(jaeger::make_exporter(o).has_value());
  o.local_agent_address = "127.0.0.1:70000";
  EXPECT_FALSE(jaeger::make_exporter(o).has_value());
}

}  // namespace
}  // namespace argus::trace
