// OTLP over HTTPS against node's TLS stack on loopback: the certificate must be trusted (here
// through `ca_file`, a throwaway self-signed certificate made with the openssl CLI) and match
// the host; an untrusted certificate fails the batch without sending anything.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "argus/trace/export/otlp.h"
#include "export/support.h"

namespace argus::trace {
namespace {
using namespace std::chrono_literals;

class HttpsSink {
 public:
  HttpsSink(const std::string& key, const std::string& cert, int events) {
    std::string cmd = std::string("NODE_PATH='") + ARGUS_INTEROP_DIR + "/node_modules' " +
                      ARGUS_NODE + " " + ARGUS_INTEROP_DIR + "/export/https_sink.js " + key + " " +
                      cert + " " + std::to_string(events);
    pipe_ = popen(cmd.c_str(), "r");
    char line[256];
    if (pipe_ && fgets(line, sizeof line, pipe_) && std::sscanf(line, "port %d", &port_) == 1)
      return;
    port_ = 0;
  }
  // Waits for the sink to exit (after its events) and returns what it printed.
  std::string finish() {
    std::string out;
    char buf[256];
    while (pipe_ && fgets(buf, sizeof buf, pipe_)) out += buf;
    if (pipe_) pclose(pipe_);
    pipe_ = nullptr;
    return out;
  }
  ~HttpsSink() { finish(); }
  int port() const { return port_; }

 private:
  FILE* pipe_ = nullptr;
  int port_ = 0;
};

struct Cert {
  std::string key = testing::temp_path("tls-key.pem");
  std::string cert = testing::temp_path("tls-cert.pem");
  bool made = false;
  Cert() {
    std::string cmd =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
        "-addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout " +
        key + " -out " + cert + " >/dev/null 2>&1";
    made = std::system(cmd.c_str()) == 0;
  }
};

TEST(OtlpTls, TrustedCertificateExports) {
  Cert c;
  ASSERT_TRUE(c.made);
  HttpsSink sink(c.key, c.cert, 2);
  ASSERT_GT(sink.port(), 0);
  otlp::OtlpExporterOptions o;
  o.server_url = "https://127.0.0.1:" + std::to_string(sink.port());
  o.ca_file = c.cert;
  o.timeout = 5s;
  o.log = [](std::string_view) {};
  auto e = otlp::make_exporter(o);
  ASSERT_TRUE(e) << e.error().message;
  auto set = testing::make_span_set();
  EXPECT_EQ((*e)->export_spans(set.view()), ExportResult::kSuccess);
  EXPECT_EQ((*e)->export_spans(set.view()), ExportResult::kSuccess);
  auto out = sink.finish();
  EXPECT_NE(out.find("request POST /v1/traces"), std::string::npos) << out;
}

TEST(OtlpTls, UntrustedCertificateFails) {
  Cert c;
  ASSERT_TRUE(c.made);
  HttpsSink sink(c.key, c.cert, 1);
  ASSERT_GT(sink.port(), 0);
  otlp::OtlpExporterOptions o;
  o.server_url = "127.0.0.1:" + std::to_string(sink.port());  // Ory form, insecure=false: https
  o.timeout = 5s;
  o.retry.max_attempts = 1;
  o.log = [](std::string_view) {};
  auto e = otlp::make_exporter(o);
  ASSERT_TRUE(e) << e.error().message;
  auto set = testing::make_span_set();
  EXPECT_EQ((*e)->export_spans(set.view()), ExportResult::kFailure);
  auto* ex = static_cast<otlp::OtlpExporter*>(e->get());
  EXPECT_NE(ex->stats().last_error.find("TLS"), std::string::npos) << ex->stats().last_error;
  auto out = sink.finish();
  EXPECT_EQ(out.find("request"), std::string::npos) << out;
}

}  // namespace
}  // namespace argus::trace
