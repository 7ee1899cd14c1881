// LiveConfig: reload, diff by schema key, apply the live part.
#include "cli/live_config.h"

namespace argus::cli {

LiveConfig::LiveConfig(config::LoadOptions options, config::Loaded current, TracingRuntime* tracing)
    : options_(std::move(options)), current_(std::move(current)), tracing_(tracing) {
  // A generated --dev secret must survive reloads, or every reload would look like a rotation.
  auto it = current_.settings.find("secrets.system");
  if (it != current_.settings.end() && it->second.source.kind == config::Source::Kind::kGenerated &&
      it->second.value.is_array() && !it->second.value.get_array().empty()) {
    options_.dev_secret = std::string(it->second.value.get_array()[0].get_string());
  }
}

void copy_live_fields(const config::Config& from, config::Config& to) {
  to.log.level = from.log.level;
  to.log.format = from.log.format;
  to.tracing.jaeger.sampling_trace_id_ratio = from.tracing.jaeger.sampling_trace_id_ratio;
  to.tracing.jaeger.sampling_value = from.tracing.jaeger.sampling_value;
  to.tracing.zipkin.sampling_ratio = from.tracing.zipkin.sampling_ratio;
  to.tracing.otlp.sampling_ratio = from.tracing.otlp.sampling_ratio;
}

LiveConfig::Report LiveConfig::reload() {
  Report report;
  auto result = config::load(options_);
  if (!result.ok()) {
    for (const auto& e : result.errors)
      report.messages.push_back("reload: error: " + e.to_string());
    report.messages.push_back("reload: rejected; the running configuration is unchanged");
    return report;
  }
  report.ok = true;
  const auto& next = *result.loaded;
  auto plan = config::plan_reload(current_.settings, next.settings);
  for (const auto& key : plan.restart) {
    report.restart.push_back(key);
    report.messages.push_back("reload: " + key + " changed; it takes effect after a restart");
  }
  if (plan.live.empty()) {
    report.messages.push_back("reload: no live setting changed");
    return report;
  }
  copy_live_fields(next.config, current_.config);
  for (const auto& key : plan.live) {
    current_.settings[key] = next.settings.at(key);
    report.applied.push_back(key);
    report.messages.push_back("reload: " + key + " applied");
  }
  if (tracing_) tracing_->apply_live(current_.config.tracing);
  if (on_live_change) on_live_change(current_.config);
  return report;
}

}  // namespace argus::cli
