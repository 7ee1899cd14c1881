// The `otel` exporter: OTLP over HTTP (POST {server_url}/v1/traces), protobuf by default or
// OTLP/JSON, optionally gzip-compressed, over plain HTTP or HTTPS (system CA store). Connections
// are kept alive; 429/502/503/504 and transport errors are retried with backoff, other 4xx drop
// the batch. All I/O happens in export_spans(), i.e. on the batch processor's export thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "argus/trace/expected.h"
#include "argus/trace/export/exporter_stats.h"
#include "argus/trace/exporter.h"

namespace argus::trace::otlp {

struct OtlpExporterOptions {
  // Ory's `host:port` form (then `insecure` picks http:// over https://) or a full URL; the
  // request goes to {server_url}/v1/traces. Default: the collector on this host.
  std::string server_url = "localhost:4318";
  bool insecure = false;
  // When set (e.g. from OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) it is used verbatim instead.
  std::string traces_endpoint;
  std::string authorization_header;          // sent as `Authorization`; never logged
  std::string protocol = "http/protobuf";    // or "http/json"
  std::string compression;                   // "" or "gzip"
  std::chrono::milliseconds timeout{10000};  // connect, and each request
  std::vector<std::pair<std::string, std::string>> headers;
  std::string ca_file;  // extra CA bundle (PEM) besides the system store; for private CAs
  std::size_t max_response_bytes = 64 * 1024;
  RetryPolicy retry;
  LogHook log;
};

// Applies OTEL_EXPORTER_OTLP_{,TRACES_}ENDPOINT, _HEADERS, _COMPRESSION, _TIMEOUT and _PROTOCOL
// read through `getenv` (std::getenv when empty) on top of `options`. Malformed values give an
// error naming the variable.
using EnvGetter = std::function<const char*(const char*)>;
Expected<OtlpExporterOptions> apply_environment(OtlpExporterOptions options,
                                                const EnvGetter& getenv = {});

// The exporter's concrete interface, for reading its counters.
class OtlpExporter : public SpanExporter {
 public:
  virtual ExporterStats stats() const = 0;
  virtual std::string endpoint() const = 0;  // the URL spans are posted to
};

Expected<std::unique_ptr<SpanExporter>> make_exporter(OtlpExporterOptions options);

}  // namespace argus::trace::otlp
