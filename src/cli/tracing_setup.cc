// Tracing wiring. The sampler chain is parent_based(ReloadableSampler(root)): a sampled caller
// is always followed, and SIGHUP only swaps the root decision.
#include "cli/tracing_setup.h"

#include <chrono>
#include <iostream>
#include <sstream>
#include <string>

#include "argus/trace/console_exporter.h"
#include "argus/trace/export/jaeger.h"
#include "argus/trace/export/otlp.h"
#include "argus/trace/export/zipkin.h"
#include "argus/trace/processor.h"
#include "cli/common.h"

namespace argus::cli {
namespace {

using trace::Error;

std::function<void(std::string_view)> log_of(const TracingSetupOptions& options) {
  if (options.log) return options.log;
  // One write per line: the export thread may log while another thread does.
  return [](std::string_view line) {
    std::string whole = "argus: tracing: ";
    whole.append(line).push_back('\n');
    std::cerr << whole;
  };
}

}  // namespace

double provider_ratio(const config::TracingSettings& s) {
  if (s.provider == "jaeger") return s.jaeger.sampling_trace_id_ratio;
  if (s.provider == "zipkin") return s.zipkin.sampling_ratio;
  if (s.provider == "otel") return s.otlp.sampling_ratio;
  return 1.0;
}

trace::Expected<std::unique_ptr<trace::Sampler>> make_root_sampler(
    const config::TracingSettings& s, const TracingSetupOptions& options) {
  if (s.provider == "jaeger" && !s.jaeger.sampling_server_url.empty()) {
    trace::jaeger::RemoteSamplerOptions remote;
    remote.server_url = s.jaeger.sampling_server_url;
    remote.service_name = s.service_name;
    remote.refresh_interval = s.jaeger.sampling_refresh_interval;
    remote.fallback_ratio = s.jaeger.sampling_trace_id_ratio;
    auto log = log_of(options);
    remote.log = [log](std::string_view line) { log(line); };
    return trace::jaeger::make_remote_sampler(std::move(remote));
  }
  if (s.provider == "jaeger" && !s.jaeger.sampling_type.empty()) {
    const std::string& type = s.jaeger.sampling_type;
    double value = s.jaeger.sampling_value;
    if (type == "const") return trace::make_jaeger_const_sampler(value != 0);
    if (type == "probabilistic") return trace::make_jaeger_probabilistic_sampler(value);
    if (type == "rateLimiting") return trace::make_jaeger_rate_limiting_sampler(value);
    return Error{Error::Code::invalid_config,
                 "tracing.providers.jaeger.sampling.type: expected const, probabilistic or "
                 "rateLimiting, got " +
                     type};
  }
  return trace::make_trace_id_ratio_sampler(provider_ratio(s));
}

trace::Expected<std::unique_ptr<trace::SpanExporter>> make_exporter(
    const config::TracingSettings& s, const TracingSetupOptions& options) {
  auto log = log_of(options);
  if (s.provider == "jaeger") {
    trace::jaeger::JaegerExporterOptions o;
    o.local_agent_address = s.jaeger.local_agent_address;
    o.service_name = s.service_name;
    o.log = [log](std::string_view line) { log(line); };
    return trace::jaeger::make_exporter(std::move(o));
  }
  if (s.provider == "zipkin") {
    trace::zipkin::ZipkinExporterOptions o;
    o.server_url = s.zipkin.server_url;
    o.local_endpoint.service_name = s.service_name;
    o.log = [log](std::string_view line) { log(line); };
    return trace::zipkin::make_exporter(std::move(o));
  }
  if (s.provider == "otel") {
    trace::otlp::OtlpExporterOptions o;
    if (!s.otlp.server_url.empty()) o.server_url = s.otlp.server_url;
    o.insecure = s.otlp.insecure;
    o.authorization_header = s.otlp.authorization_header;
    o.protocol = s.otlp.protocol;
    o.compression = s.otlp.compression;
    o.timeout = s.batch.export_timeout;
    o.log = [log](std::string_view line) { log(line); };
    return trace::otlp::make_exporter(std::move(o));
  }
  if (s.provider == "console") {
    std::unique_ptr<trace::SpanExporter> e =
        std::make_unique<trace::ConsoleExporter>(options.console_out);
    return e;
  }
  return Error{
      Error::Code::invalid_config,
      "tracing.provider: expected one of \"\", jaeger, zipkin, otel, console; got " + s.provider};
}

trace::Expected<std::unique_ptr<TracingRuntime>> setup_tracing(const config::TracingSettings& s,
                                                               const TracingSetupOptions& options) {
  auto rt = std::make_unique<TracingRuntime>();
  rt->settings_ = s;
  rt->options_ = options;
  auto propagator = trace::make_propagator(s.propagators);
  if (!propagator) return propagator.error();
  rt->propagator_ = std::move(*propagator);
  if (s.provider.empty()) {
    rt->provider_ = trace::TracerProvider::create_noop();
    return rt;
  }
  auto exporter =
      options.exporter_override
          ? trace::Expected<std::unique_ptr<trace::SpanExporter>>(options.exporter_override())
          : make_exporter(s, options);
  if (!exporter) return exporter.error();
  trace::BatchSpanProcessorOptions batch;
  batch.max_queue_size = s.batch.max_queue_size;
  batch.max_export_batch_size = s.batch.max_export_batch_size;
  batch.schedule_delay = s.batch.schedule_delay;
  batch.export_timeout = s.batch.export_timeout;
  auto processor = trace::BatchSpanProcessor::create(std::move(*exporter), batch);
  if (!processor) return processor.error();
  auto root = make_root_sampler(s, options);
  if (!root) return root.error();
  auto reloadable = std::make_unique<ReloadableSampler>(std::move(*root));
  rt->root_sampler_ = reloadable.get();

  trace::TracerProviderOptions po;
  po.resource.service_name = s.service_name;
  po.resource.service_version = options.service_version;
  po.resource.deployment_environment = s.deployment_environment;
  po.sampler = trace::make_parent_based_sampler(std::move(reloadable));
  po.processor = std::move(*processor);
  auto provider = trace::TracerProvider::create(std::move(po));
  if (!provider) return provider.error();
  rt->provider_ = std::move(*provider);
  return rt;
}

bool TracingRuntime::apply_live(const config::TracingSettings& next) {
  if (!root_sampler_) return false;
  const auto& a = settings_;
  bool changed = provider_ratio(a) != provider_ratio(next) ||
                 a.jaeger.sampling_value != next.jaeger.sampling_value;
  if (!changed) return false;
  // Only the live keys are taken over; everything else keeps the running values.
  config::TracingSettings merged = settings_;
  merged.jaeger.sampling_trace_id_ratio = next.jaeger.sampling_trace_id_ratio;
  merged.jaeger.sampling_value = next.jaeger.sampling_value;
  merged.zipkin.sampling_ratio = next.zipkin.sampling_ratio;
  merged.otlp.sampling_ratio = next.otlp.sampling_ratio;
  auto root = make_root_sampler(merged, options_);
  if (!root) {
    log_of(options_)("reload: " + root.error().message);
    return false;
  }
  root_sampler_->replace(std::move(*root));
  provider_->refresh_sampler_shortcuts();
  settings_ = std::move(merged);
  return true;
}

bool TracingRuntime::shutdown(std::chrono::milliseconds timeout) {
  if (!provider_) return true;
  const bool flushed = provider_->shutdown(timeout);
  if (settings_.provider.empty()) return flushed;
  // What became of the spans, once, at exit: the one place an operator sees drops.
  const trace::ProcessorStats s = provider_->stats().processor;
  // Spans still queued, or in an export the shutdown budget gave up on, went nowhere.
  const std::uint64_t settled = s.spans_exported + s.spans_failed;
  const std::uint64_t unsent = s.spans_queued > settled ? s.spans_queued - settled : 0;
  std::ostringstream line;
  line << s.spans_exported << " spans exported, " << s.spans_dropped
       << " dropped (queue full or stopped), " << s.spans_failed << " failed to export, " << unsent
       << " unsent at exit";
  log_of(options_)(line.str());
  return flushed;
}

int run_traced(const config::TracingSettings& settings,
               const std::function<int(TracingRuntime&)>& body) {
  TracingSetupOptions options;
  options.service_version = argus_version();
  auto tracing = setup_tracing(settings, options);
  if (!tracing) {
    std::cerr << "error: tracing: " << tracing.error().message << "\n";
    return kExitUsage;
  }
  const int rc = body(**tracing);
  (*tracing)->shutdown(std::chrono::seconds(5));
  return rc;
}

}  // namespace argus::cli
