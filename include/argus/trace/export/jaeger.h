// The `jaeger` exporter and Jaeger remote sampling.
//
// The exporter sends Thrift-compact `Agent.emitBatch` datagrams over UDP to a Jaeger agent
// (`local_agent_address`, default 127.0.0.1:6831). This is the protocol of Jaeger v1 agents and
// of the `jaeger` receiver (thrift_compact) of the OpenTelemetry Collector and Jaeger v2. Note
// that Jaeger v2 also accepts OTLP directly: the `otel` exporter (argus/trace/export/otlp.h) can
// talk to it without an agent. Batches are split so no datagram exceeds 65,000 bytes; a span too
// big for one datagram is sent without its tags and logs and counted as truncated.
//
// The remote sampler polls a Jaeger sampling server (`GET server_url?service=NAME`) and applies
// its strategy: probabilistic, rate limiting, or per operation (default probability, per
// operation probabilities, and a lower bound of traces per second per operation). Until the
// first valid answer, and whenever the server is unreachable or answers garbage, it samples with
// trace_id_ratio(fallback_ratio). It is always parent-based: a sampled parent is followed.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "argus/trace/clock.h"
#include "argus/trace/expected.h"
#include "argus/trace/export/exporter_stats.h"
#include "argus/trace/exporter.h"
#include "argus/trace/sampler.h"

namespace argus::trace::jaeger {

inline constexpr std::size_t kMaxDatagramBytes = 65000;

struct JaegerExporterOptions {
  std::string local_agent_address = "127.0.0.1:6831";  // host:port, or [v6]:port
  std::string service_name;                            // empty: the resource's service.name
  // Extra process tags; hostname, ip, client-uuid and argus.version are always added.
  std::vector<std::pair<std::string, std::string>> tags;
  std::size_t max_datagram_bytes = kMaxDatagramBytes;  // lowered by tests
  LogHook log;
};

class JaegerExporter : public SpanExporter {
 public:
  virtual ExporterStats stats() const = 0;
};

Expected<std::unique_ptr<SpanExporter>> make_exporter(JaegerExporterOptions options);

// Fetches a URL and returns the response body, or an error. Called from the sampler's poller
// thread (or from refresh_now()).
using FetchFunction = std::function<Expected<std::string>(const std::string& url)>;

struct RemoteSamplerOptions {
  std::string server_url = "http://127.0.0.1:5778/sampling";
  std::string service_name;  // required
  std::chrono::milliseconds refresh_interval{60000};
  double fallback_ratio = 1.0;  // trace_id_ratio used until/unless a valid strategy is known
  std::chrono::milliseconds timeout{10000};
  std::size_t max_operations = 2000;  // per-operation samplers kept at most
  bool poll_in_background = true;     // false: only refresh_now() polls (tests)
  FetchFunction fetch;                // empty: an HTTP GET with `timeout`
  Clock* clock = nullptr;             // for the rate limiters; system_clock() when null
  LogHook log;
};

struct RemoteSamplerStats {
  std::uint64_t polls = 0;
  std::uint64_t failed_polls = 0;  // unreachable or invalid answers
  std::string last_error;
};

class RemoteSampler : public Sampler {
 public:
  // Polls once now, on the calling thread. False if the answer was unusable (the fallback
  // ratio sampler is then in force).
  virtual bool refresh_now() = 0;
  virtual RemoteSamplerStats stats() const = 0;
};

Expected<std::unique_ptr<RemoteSampler>> make_remote_sampler_handle(RemoteSamplerOptions options);
Expected<std::unique_ptr<Sampler>> make_remote_sampler(RemoteSamplerOptions options);

}  // namespace argus::trace::jaeger
