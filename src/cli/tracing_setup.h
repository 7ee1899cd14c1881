// Builds the service's tracing from config::TracingSettings: the TracerProvider (no-op when no
// provider is configured; otherwise a batch processor feeding the jaeger, zipkin, otel or
// console exporter), its parent-based sampler with a root sampler that SIGHUP can replace, the
// resource (service.name, deployment.environment.name) and the propagator list.
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string_view>

#include "argus/trace/expected.h"
#include "argus/trace/exporter.h"
#include "argus/trace/propagation.h"
#include "argus/trace/sampler.h"
#include "argus/trace/tracer.h"
#include "cli/reloadable_sampler.h"
#include "config/config.h"

namespace argus::cli {

struct TracingSetupOptions {
  std::ostream* console_out = nullptr;        // console provider; std::cout when null
  std::function<void(std::string_view)> log;  // exporter/sampler problems; stderr when empty
  // Replaces the provider's exporter (tests); the sampler and processor are built as usual.
  std::function<std::unique_ptr<trace::SpanExporter>()> exporter_override;
  std::string service_version;
};

class TracingRuntime {
 public:
  trace::TracerProvider& provider() { return *provider_; }
  const trace::Propagator& propagator() const { return *propagator_; }
  // The root sampler of a recording provider; nullptr when tracing is disabled.
  ReloadableSampler* root_sampler() { return root_sampler_; }
  const config::TracingSettings& settings() const { return settings_; }

  // Applies the live tracing settings (sampling ratios / the legacy sampling value): replaces
  // the root sampler when they changed. Returns true if it did.
  bool apply_live(const config::TracingSettings& next);
  bool shutdown(std::chrono::milliseconds timeout);

 private:
  friend trace::Expected<std::unique_ptr<TracingRuntime>> setup_tracing(
      const config::TracingSettings&, const TracingSetupOptions&);
  config::TracingSettings settings_;
  TracingSetupOptions options_;
  std::unique_ptr<trace::TracerProvider> provider_;
  std::unique_ptr<trace::Propagator> propagator_;
  ReloadableSampler* root_sampler_ = nullptr;  // owned by the provider's sampler chain
};

trace::Expected<std::unique_ptr<TracingRuntime>> setup_tracing(
    const config::TracingSettings& settings, const TracingSetupOptions& options = {});

// Sets up tracing for a command, runs `body` with it, and flushes spans (5 s budget) however
// `body` returns. A tracing setup error is printed and gives exit code 2 (usage).
int run_traced(const config::TracingSettings& settings,
               const std::function<int(TracingRuntime&)>& body);

// The root sampler the settings ask for: remote Jaeger sampling, Ory's older Jaeger sampler
// type/value, or trace_id_ratio with the provider's ratio.
trace::Expected<std::unique_ptr<trace::Sampler>> make_root_sampler(
    const config::TracingSettings& settings, const TracingSetupOptions& options = {});

// The exporter for settings.provider ("jaeger", "zipkin", "otel", "console").
trace::Expected<std::unique_ptr<trace::SpanExporter>> make_exporter(
    const config::TracingSettings& settings, const TracingSetupOptions& options = {});

// The sampling ratio that applies to settings.provider.
double provider_ratio(const config::TracingSettings& settings);

}  // namespace argus::cli
