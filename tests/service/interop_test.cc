// Trace joining across implementations: OpenTelemetry JS (npm) injects a sampled context in each
// wire format Ory registers (W3C tracecontext, B3 single and multi, Jaeger) into a real request;
// argus's server span must continue exactly that trace with the caller's span as parent.
#include <gtest/gtest.h>

#include <array>
#include <boost/json/parse.hpp>
#include <cstdio>

#include "service/api_helpers.h"

namespace argus::service_test {
namespace {

std::string run_node(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return out;
  std::array<char, 4096> buf;
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
  ::pclose(pipe);
  return out;
}

class ServiceInterop : public ::testing::TestWithParam<const char*> {};

TEST_P(ServiceInterop, JoinsTraceInjectedByOpenTelemetryJs) {
  auto h = Harness::start();
  if (!h) {
    if (!HasFailure()) GTEST_SKIP() << Harness::skip_reason;
    return;
  }
  std::string out = run_node(ARGUS_NODE " " ARGUS_INTEROP_SCRIPT " " +
                             std::to_string(h->admin_port()) + " " + GetParam());
  boost::system::error_code ec;
  auto v = boost::json::parse(out, ec);
  ASSERT_FALSE(ec) << "node printed: " << out;
  auto& o = v.as_object();
  EXPECT_EQ(o.at("status").as_int64(), 404);
  std::string trace_id(o.at("traceId").as_string()), span_id(o.at("spanId").as_string());
  auto spans = h->spans().spans();
  const argus::trace::SpanData* top = server_span(spans, "/admin/clients/interop-absent", 404);
  ASSERT_NE(top, nullptr);
  EXPECT_EQ(top->context.trace_id.to_hex(), trace_id) << boost::json::serialize(o.at("headers"));
  EXPECT_EQ(top->parent_span_id.to_hex(), span_id);
  EXPECT_TRUE(top->parent_is_remote);
  EXPECT_TRUE(top->context.is_sampled());
}

INSTANTIATE_TEST_SUITE_P(Formats, ServiceInterop,
                         ::testing::Values("tracecontext", "b3", "b3multi", "jaeger"));

}  // namespace
}  // namespace argus::service_test
