// SIGHUP handling: reloads the configuration from the same files, flags and environment, applies
// the settings that can change live (sampling ratios, log level and format) and reports every
// other change as needing a restart. A reload with errors changes nothing.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cli/tracing_setup.h"
#include "config/loader.h"

namespace argus::cli {

class LiveConfig {
 public:
  // `tracing` may be null (no live tracing changes); it must outlive this object.
  LiveConfig(config::LoadOptions options, config::Loaded current, TracingRuntime* tracing);

  struct Report {
    bool ok = false;
    std::vector<std::string> applied;   // live keys now in force
    std::vector<std::string> restart;   // changed keys that need a restart
    std::vector<std::string> messages;  // one line each, for the log
  };
  Report reload();

  // The configuration in force: the startup one with live changes applied.
  const config::Config& config() const { return current_.config; }
  // Called after live settings changed, with the configuration now in force.
  std::function<void(const config::Config&)> on_live_change;

 private:
  config::LoadOptions options_;
  config::Loaded current_;
  TracingRuntime* tracing_;
};

// Copies the live fields of `from` into `to`.
void copy_live_fields(const config::Config& from, config::Config& to);

}  // namespace argus::cli
