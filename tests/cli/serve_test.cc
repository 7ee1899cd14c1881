// `argus serve` end to end: it starts on a configuration file, SIGHUP applies live settings and
// reports the others as needing a restart, a broken reload changes nothing, SIGTERM stops it
// after exporting the spans of the requests it answered, within one shutdown budget even when
// the collector is down.
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <sstream>
#include <string>

#include "cli/child.h"
#include "config/test_files.h"
#include "export/support.h"

namespace argus::testing {
namespace {

using namespace std::chrono_literals;

unsigned short free_port() {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor a(
      ioc, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();
}

std::string config_text(unsigned short pub, unsigned short admin, const std::string& ratio,
                        const std::string& level, const std::string& service) {
  return "serve:\n  public:\n    host: 127.0.0.1\n    port: " + std::to_string(pub) +
         "\n  admin:\n    host: 127.0.0.1\n    port: " + std::to_string(admin) +
         "\nlog:\n  level: " + level +
         "\ntracing:\n  provider: zipkin\n  service_name: " + service +
         "\n  providers:\n    zipkin:\n      server_url: http://127.0.0.1:9/api/v2/spans\n"
         "      sampling:\n        sampling_ratio: " +
         ratio + "\n";
}

TEST(ArgusServe, SighupReloadsLiveSettingsAndSigtermStops) {
  TempDir dir;
  unsigned short pub = free_port(), admin = free_port();
  std::string file = dir.write("argus.yaml", config_text(pub, admin, "0", "info", "before"));
  Child child({ARGUS_BIN, "serve", "all", "-c", file},
              {{"SECRETS_SYSTEM", "0123456789abcdef-test-secret"}, {"DSN", "memory"}});
  ASSERT_TRUE(child.started());
  ASSERT_TRUE(child.wait_for("argus: serving all", 60s)) << child.stderr_text();

  dir.write("argus.yaml", config_text(pub, admin, "1", "debug", "after"));
  std::size_t mark = child.stderr_text().size();
  child.signal(SIGHUP);
  ASSERT_TRUE(
      child.wait_for("reload: tracing.providers.zipkin.sampling.sampling_ratio applied", 30s, mark))
      << child.stderr_text();
  EXPECT_NE(child.stderr_text().find("reload: log.level applied", mark), std::string::npos);
  EXPECT_NE(child.stderr_text().find(
                "reload: tracing.service_name changed; it takes effect after a restart", mark),
            std::string::npos)
      << child.stderr_text();

  dir.write("argus.yaml", "tracing:\n  provider: [oops\n");
  mark = child.stderr_text().size();
  child.signal(SIGHUP);
  ASSERT_TRUE(child.wait_for("reload: rejected; the running configuration is unchanged", 30s, mark))
      << child.stderr_text();
  EXPECT_NE(child.stderr_text().find("YAML syntax error", mark), std::string::npos);

  child.signal(SIGTERM);
  EXPECT_EQ(child.wait_exit(60s), 0) << child.stderr_text();
}

// Status of GET `target` on 127.0.0.1:`port`.
unsigned get_status(unsigned short port, const std::string& target) {
  namespace http = boost::beast::http;
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket socket(ioc);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  http::request<http::empty_body> req(http::verb::get, target, 11);
  req.set(http::field::host, "127.0.0.1");
  http::write(socket, req);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(socket, buffer, res);
  return res.result_int();
}

std::map<std::string, std::string> otlp_env(unsigned short pub, unsigned short admin,
                                            unsigned short collector) {
  return {{"SECRETS_SYSTEM", "0123456789abcdef-test-secret"},
          {"DSN", "memory"},
          {"SERVE_PUBLIC_HOST", "127.0.0.1"},
          {"SERVE_PUBLIC_PORT", std::to_string(pub)},
          {"SERVE_ADMIN_HOST", "127.0.0.1"},
          {"SERVE_ADMIN_PORT", std::to_string(admin)},
          {"TRACING_PROVIDER", "otel"},
          {"TRACING_PROVIDERS_OTLP_SERVER_URL", "127.0.0.1:" + std::to_string(collector)},
          {"TRACING_PROVIDERS_OTLP_INSECURE", "true"},
          {"TRACING_PROVIDERS_OTLP_SAMPLING_RATIO", "1"}};
}

// The line argus prints at exit:
// "tracing: N spans exported, N dropped (...), N failed to export, N unsent at exit".
struct SpanSummary {
  bool found = false;
  unsigned long exported = 0, dropped = 0, failed = 0, unsent = 0;
};
// Other tracing lines (an abandoned export's failure, say) may come before or after it.
SpanSummary span_summary(const std::string& text) {
  SpanSummary s;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    char tail[16] = {};
    const int fields =
        std::sscanf(line.c_str(),
                    "argus: tracing: %lu spans exported, %lu dropped (queue full or stopped), "
                    "%lu failed to export, %lu unsent at %15s",
                    &s.exported, &s.dropped, &s.failed, &s.unsent, tail);
    if (fields == 5 && std::string(tail) == "exit") {
      s.found = true;
      return s;
    }
  }
  return SpanSummary{};
}

// Spans wait up to five seconds for their batch; SIGTERM exports them before the process exits.
TEST(ArgusServe, SigtermExportsTheSpansOfAnsweredRequests) {
  trace::testing::FakeCollector collector;
  unsigned short pub = free_port(), admin = free_port();
  Child child({ARGUS_BIN, "serve", "all"}, otlp_env(pub, admin, collector.port()));
  ASSERT_TRUE(child.started());
  ASSERT_TRUE(child.wait_for("argus: serving all", 60s)) << child.stderr_text();
  ASSERT_EQ(get_status(admin, "/admin/clients?owner=sigterm-flush"), 200u);
  child.signal(SIGTERM);
  EXPECT_EQ(child.wait_exit(60s), 0) << child.stderr_text();
  ASSERT_TRUE(collector.wait_requests(1, 5s)) << child.stderr_text();
  bool found = false;
  for (const auto& r : collector.requests()) {
    EXPECT_EQ(r.target, "/v1/traces");
    found = found || r.body.find("/admin/clients") != std::string::npos;
  }
  EXPECT_TRUE(found) << "no exported span names the request's path";
  // The exit line accounts for them: the request's server and SQL spans went out, none lost.
  const SpanSummary summary = span_summary(child.stderr_text());
  ASSERT_TRUE(summary.found) << child.stderr_text();
  EXPECT_GE(summary.exported, 2u);
  EXPECT_EQ(summary.dropped, 0u);
  EXPECT_EQ(summary.failed, 0u);
  EXPECT_EQ(summary.unsent, 0u);
}

// A collector that refuses connections costs the exit one shutdown budget (5 s) of retries, not
// a flush budget and then a shutdown budget.
TEST(ArgusServe, SigtermWithTheCollectorDownExitsWithinOneShutdownBudget) {
  unsigned short pub = free_port(), admin = free_port(), nobody = free_port();
  Child child({ARGUS_BIN, "serve", "all"}, otlp_env(pub, admin, nobody));
  ASSERT_TRUE(child.started());
  ASSERT_TRUE(child.wait_for("argus: serving all", 60s)) << child.stderr_text();
  ASSERT_EQ(get_status(admin, "/admin/clients"), 200u);
  const auto start = std::chrono::steady_clock::now();
  child.signal(SIGTERM);
  EXPECT_EQ(child.wait_exit(60s), 0) << child.stderr_text();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 9s) << child.stderr_text();
  const SpanSummary summary = span_summary(child.stderr_text());
  ASSERT_TRUE(summary.found) << child.stderr_text();
  EXPECT_EQ(summary.exported, 0u);
  // The request's spans could not be delivered, and the line says so: failed, or still in
  // the export the shutdown budget gave up on.
  EXPECT_GE(summary.failed + summary.unsent, 2u);
}

}  // namespace
}  // namespace argus::testing
