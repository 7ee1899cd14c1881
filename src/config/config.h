// The finalized configuration of the argus service: what every component reads after loading,
// merging (defaults < files < flags < environment) and validation succeeded. Nothing in here
// is ever half-valid: the loader either produces a Config or a list of errors.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace argus::config {

struct ListenSettings {
  std::string host;  // empty: all interfaces
  std::uint16_t port = 0;
};

struct JaegerSettings {
  std::string local_agent_address = "127.0.0.1:6831";
  std::string sampling_server_url;  // empty: no remote sampling
  double sampling_trace_id_ratio = 1.0;
  // Ory's older form: providers.jaeger.sampling.type/value. Empty when not given.
  std::string sampling_type;  // "const", "probabilistic", "rateLimiting"
  double sampling_value = 1.0;
  std::chrono::milliseconds sampling_refresh_interval{60000};
};

struct ZipkinSettings {
  std::string server_url = "http://localhost:9411/api/v2/spans";
  double sampling_ratio = 1.0;
};

struct OtlpSettings {
  std::string server_url;  // "host:port" (see insecure) or a full URL
  bool insecure = false;
  double sampling_ratio = 1.0;
  std::string authorization_header;        // secret: never logged
  std::string protocol = "http/protobuf";  // or "http/json"
  std::string compression;                 // "" or "gzip"
};

struct BatchSettings {
  std::uint32_t max_queue_size = 2048;
  std::uint32_t max_export_batch_size = 512;
  std::chrono::milliseconds schedule_delay{5000};
  std::chrono::milliseconds export_timeout{30000};
};

struct TracingSettings {
  // "", "jaeger", "zipkin", "otel", "console"; empty disables tracing. "console" prints each trace
  // as a tree on stdout (the --dev default when no provider is configured).
  std::string provider;
  std::string service_name = "Argus";
  std::string deployment_environment;
  JaegerSettings jaeger;
  ZipkinSettings zipkin;
  OtlpSettings otlp;
  std::vector<std::string> propagators{"tracecontext", "baggage", "b3", "jaeger"};
  std::vector<std::string> skip_paths{"/health/*"};
  std::string span_name = "path";  // "path" (the seed's default) or "route"
  BatchSettings batch;
};

struct LogSettings {
  std::string level = "info";   // trace, debug, info, warn, error
  std::string format = "text";  // text or json
  bool leak_sensitive_values = false;
};

struct Config {
  ListenSettings serve_public{"", 4444};
  ListenSettings serve_admin{"", 4445};
  bool serve_io_batching = false;
  std::chrono::nanoseconds serve_idle_poll{20000};
  std::string dsn = "memory";
  std::vector<std::string> secrets_system;  // first signs, all verify; each >= 16 chars
  std::uint32_t bcrypt_cost = 10;           // 4..31
  std::chrono::seconds access_token_ttl{3600};
  std::chrono::seconds token_purge_interval{0};  // 0: no periodic purge in serve
  std::string issuer;                            // urls.self.issuer; default http://localhost:4444/
  LogSettings log;
  TracingSettings tracing;
  // --dev: development defaults (SQLite file DSN, generated secret, console traces) and automatic
  // database migration. Never for production.
  bool dev = false;
};

}  // namespace argus::config
