// The `zipkin` exporter: POSTs a JSON array of Zipkin v2 spans to `server_url` (by default
// http://localhost:9411/api/v2/spans) and expects 202 Accepted. Ids are lowercase hex, times and
// durations are microseconds (duration at least 1), tags are strings, events are annotations,
// `debug` comes from the B3 debug flag and `shared` marks a server span that reuses its remote
// client's span id. Connections are kept alive; I/O happens only in export_spans().
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "argus/trace/expected.h"
#include "argus/trace/export/exporter_stats.h"
#include "argus/trace/exporter.h"

namespace argus::trace::zipkin {

struct LocalEndpoint {
  std::string service_name;  // empty: the resource's service.name
  std::string ipv4;          // dotted quad, optional
  std::string ipv6;          // optional
  std::uint16_t port = 0;    // 0: omitted
};

struct ZipkinExporterOptions {
  std::string server_url = "http://localhost:9411/api/v2/spans";
  LocalEndpoint local_endpoint;
  std::chrono::milliseconds timeout{10000};
  std::vector<std::pair<std::string, std::string>> headers;
  std::string ca_file;
  std::size_t max_response_bytes = 64 * 1024;
  RetryPolicy retry;
  LogHook log;
};

class ZipkinExporter : public SpanExporter {
 public:
  virtual ExporterStats stats() const = 0;
};

Expected<std::unique_ptr<SpanExporter>> make_exporter(ZipkinExporterOptions options);

}  // namespace argus::trace::zipkin
